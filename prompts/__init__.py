"""Released prompt versions, one YAML file each (``<id>.v<N>.yaml``). Never edit a released file."""
