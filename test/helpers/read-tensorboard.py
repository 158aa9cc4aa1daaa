"""Prints, as JSON, the scalar tags TensorBoard finds under a log directory
and how many points each has: what `tensorboard --logdir DIR` would plot."""
import json
import sys

from tensorboard.backend.event_processing.event_multiplexer import EventMultiplexer

multiplexer = EventMultiplexer().AddRunsFromDirectory(sys.argv[1])
multiplexer.Reload()
found = {}
for run, tags in multiplexer.Runs().items():
    for tag in tags.get("scalars", []):
        found[tag] = len(multiplexer.Scalars(run, tag))
print(json.dumps(found))
