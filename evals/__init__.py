"""Evaluation: gold annotations, pure scoring functions, reports and comparison. Never calls an LLM."""
