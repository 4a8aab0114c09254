"""Every limit a lesson file must respect, in one place.

They keep a lesson from exhausting memory or running for hours, and each is checked
before anything of that size is allocated. ``docs/lesson-format.md`` lists them; the
JSON Schema carries those that a schema can express (list lengths, number ranges).
"""

from __future__ import annotations

#: Largest lesson file, in bytes (checked before reading or parsing).
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Most node layers, the input and output layers included.
MAX_LAYERS = 12
#: Most nodes in one layer.
MAX_NODES_PER_LAYER = 4096
#: Most weights W_ij in the whole network.
MAX_WEIGHTS = 1_000_000
#: Most samples in ``data``.
MAX_SAMPLES = 100_000
#: Most numbers in the data: samples × (input nodes + output nodes).
MAX_DATA_VALUES = 10_000_000
#: Most epochs in ``training.epochs``.
MAX_EPOCHS = 1_000_000
#: Most training iterations an expected value may ask for (``expect.values[…].after``).
MAX_ITERATIONS = 1_000_000
#: Most items in ``expect.values``.
MAX_EXPECTED_VALUES = 1_000
#: Most training work: epochs × samples × weights.
MAX_WORK = 10**11
#: Largest ``seed`` of an initialisation or a data generator.
MAX_SEED = 2**32 - 1
#: Deepest nesting of YAML lists and mappings (a lesson needs 6).
MAX_YAML_DEPTH = 20
#: Most YAML values visited, counting every use of an alias (``*name``) again.
MAX_YAML_NODES = 2_000_000
#: Most problems listed for one file; a line at the end counts the rest.
MAX_PROBLEMS = 100
