"""Stage 5 of the flow: points, evidence, precedents, checklist and mitigations."""
