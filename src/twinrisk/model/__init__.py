"""Stage 4 of the flow: the scoring policy, fitted transforms and the artifact."""
