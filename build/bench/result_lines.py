"""The benchmark children's protocol: each prints its figures as "RESULT {json}" lines among its other output."""
import json

PREFIX = "RESULT "


def parse(output):
    """The RESULT lines of a child's standard output, as dicts, in order."""
    return [json.loads(line[len(PREFIX):]) for line in output.splitlines() if line.startswith(PREFIX)]
