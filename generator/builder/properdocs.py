"""`python -m generator.builder.properdocs CONFIG SITE_DIR EPOCH`: one ProperDocs build in a
process of its own (see engines.ProperDocs). Prints each warning on a line; exit 1 if any."""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    import properdocs.replacement  # noqa: F401  (first: Material's plugins must find ProperDocs' classes)

    from generator.builder.engines import api_build

    config_file, site_dir, epoch = argv
    messages = api_build("properdocs", Path(config_file), Path(site_dir), int(epoch))
    for message in messages:
        print(message.replace("\n", " "))
    return 1 if messages else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
