"""A package that adds to ``extractor`` as a third party would, with no edit to ``extractor``.

One module per thing it adds, and one entry point each (``../extractor_demo_plugin-1.0.dist-info/
entry_points.txt``, what pip writes from a ``[project.entry-points."extractor.strategies"]`` table):
a strategy (``strategy``) and the prompt that names it (``prompts/demo.v1.yaml``), an export
format (``exporter``) and an endpoint kind (``endpoint``). Tests put this folder on ``sys.path``.
"""
