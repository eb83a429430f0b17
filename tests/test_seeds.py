"""The seed catalogue meets what a results framework needs, as loaded into a real store."""
from peacepulse import store

PUBLIC_CODES = {"FAT_TOTAL", "FAT_MALICIOUS", "FAT_MILITARY", "FAT_POLICE", "FAT_CIVILIAN", "FAT_MALICIOUS_RATE",
                "UNIF_WOMEN_SHARE", "UNIF_STRENGTH", "MILOBS_DEPLOYED", "MILOBS_WOMEN_SHARE", "BASES_COUNT",
                "TROOPS_DEPLOYED", "POLICE_DEPLOYED", "SEA_ALLEGATIONS"}


def test_ten_themes_with_seven_carrying_both_halves(seeded_template):
    themes = store.read_df(seeded_template, "SELECT number, title, summary FROM themes ORDER BY number")
    assert themes["number"].tolist() == list(range(1, 11))
    seven = themes.iloc[6]
    assert "imble" in seven["title"] and "daptive" in seven["title"]


def test_indicator_catalogue_covers_every_theme(seeded_template):
    per_theme = store.read_df(seeded_template, """SELECT primary_theme, count(*) AS n, count(*) FILTER (WHERE kpi) AS kpis
                                                  FROM indicators GROUP BY primary_theme ORDER BY primary_theme""")
    assert per_theme["primary_theme"].tolist() == list(range(1, 11))
    assert per_theme["n"].min() >= 4 and per_theme["n"].sum() >= 50
    assert per_theme["kpis"].min() >= 1
    meta = store.read_df(seeded_template, """SELECT count(*) FILTER (WHERE definition IS NULL OR source IS NULL
                                                  OR result_level IS NULL OR component IS NULL) AS incomplete
                                             FROM indicators""")
    assert meta["incomplete"][0] == 0


def test_every_public_series_has_its_indicator(seeded_template):
    codes = set(store.read_df(seeded_template, "SELECT code FROM indicators")["code"])
    assert PUBLIC_CODES <= codes


def test_entities_beyond_peacekeeping_are_catalogued(seeded_template):
    kinds = store.read_df(seeded_template, "SELECT kind, count(*) AS n FROM missions GROUP BY kind")
    counts = dict(zip(kinds["kind"], kinds["n"]))
    assert counts["peacekeeping"] >= 81
    assert counts["political"] > 0 and counts["regional"] > 0 and counts["headquarters"] > 0
    unifil = store.read_df(seeded_template, "SELECT start_date, hq_location, latitude, longitude FROM missions "
                                            "WHERE code = 'UNIFIL'").iloc[0]
    # the UN list writes coordinates with decimal commas ("35,2");  they must arrive as numbers
    assert unifil["hq_location"] == "Naqoura" and 33 < unifil["latitude"] < 34 and 35 < unifil["longitude"] < 36
    assert str(unifil["start_date"])[:10] == "1978-03-19"
