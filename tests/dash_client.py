"""The dashboard driven over HTTP the way its pages drive it: each call posts a real callback payload to
/_dash-update-component, taking the callback's output spec from /_dash-dependencies."""
from __future__ import annotations

import base64
import json

import requests


def outputs(spec: str) -> list[dict[str, str]]:
    """The outputs an output spec names: '..a.b...c.d..' (several) or 'a.b' (one)."""
    parts = spec[2:-2].split("...") if spec.startswith("..") else [spec]
    return [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in parts]


def payload(dep: dict, values: dict[str, object], changed: list[str]) -> dict:
    """The body the browser POSTs to run the callback `dep` (an entry of /_dash-dependencies): each of
    its inputs and states with its value from `values` ('id.property' to a value; absent: no value),
    and the inputs that changed."""
    def prop(item: dict) -> dict:
        key = f"{item['id']}.{item['property']}"
        return {"id": item["id"], "property": item["property"], **({"value": values[key]} if key in values else {})}

    spec = dep["output"]
    named = outputs(spec)
    return {"output": spec, "outputs": named if spec.startswith("..") else named[0],
            "inputs": [prop(i) for i in dep["inputs"]], "state": [prop(s) for s in dep["state"]],
            "changedPropIds": changed, "parsedChangedPropsIds": changed}


class DashClient:
    def __init__(self, base: str, timeout: float = 60) -> None:
        self.base, self.timeout = base.rstrip("/"), timeout
        self.http = requests.Session()
        self.deps = self.http.get(f"{self.base}/_dash-dependencies", timeout=timeout).json()

    def call(self, output_prefix: str, inputs: dict[str, object], state: dict[str, object] | None = None
             ) -> requests.Response:
        """Post the callback whose output spec starts with `output_prefix`; inputs and state map
        'id.property' to a value, the first input being the one that changed."""
        dep = next(d for d in self.deps if d["output"].startswith(output_prefix))
        body = payload(dep, {**inputs, **(state or {})}, [next(iter(inputs))])
        return self.http.post(f"{self.base}/_dash-update-component", json=body, timeout=self.timeout)

    def page(self, path: str, search: str = "") -> requests.Response:
        """What the browser gets when it opens a page: the router callback's answer."""
        return self.call(".._pages_content", {"_pages_location.pathname": path, "_pages_location.search": search})

    def upload(self, file_name: str, content: bytes) -> tuple[requests.Response, requests.Response | None]:
        """The upload page's two steps: the check, then the commit if the check allows it."""
        encoded = "data:text/csv;base64," + base64.b64encode(content).decode()
        checked = self.call("..upl-report", {"upl-file.contents": encoded, "upl-decimal.value": None},
                            {"upl-file.filename": file_name, "upl-pending.data": None})
        if checked.status_code != 200:
            return checked, None
        pending = checked.json()["response"]["upl-pending"]["data"]
        if not pending:
            return checked, None
        return checked, self.call("..upl-result.children@", {"upl-commit.n_clicks": 1}, {"upl-pending.data": pending})


def text(response: requests.Response) -> str:
    """A callback's answer as text, to look for words in."""
    return json.dumps(response.json(), ensure_ascii=False)
