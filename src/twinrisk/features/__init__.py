"""Stage 3 of the flow: one DataFrame of dyads in, one feature frame out."""
