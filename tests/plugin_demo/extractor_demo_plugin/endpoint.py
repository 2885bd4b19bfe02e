"""``EXTRACTOR_ENDPOINT_KIND=demo-kind``: tool calls, no seed, detected on one host."""

from __future__ import annotations

from extractor.endpoints import EndpointProfile, StructuredOutput

PROFILE = EndpointProfile(
    name="demo-kind",
    structured_output=StructuredOutput.TOOLS,
    sends_seed=False,
    single_slot=False,
    requires_api_key=False,
    hosts=frozenset({"llm.demo.invalid"}),
    default_model="demo-model",
)
