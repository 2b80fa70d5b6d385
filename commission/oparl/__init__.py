"""OParl 1.1, the open standard for council information systems, at /oparl/v1.1/."""
