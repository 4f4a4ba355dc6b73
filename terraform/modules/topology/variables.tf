# This module takes no inputs: the topology is fixed by the code (common/topology.py).
