"""Assessment: what the evidence says needs a decision now."""
