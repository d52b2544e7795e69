"""Fingerprints of the interview transcript's eight-word runs, for the own-words check.

The transcript is not part of the repository; its runs are kept as short hashes so the
check works on any clone without shipping the text. Regenerate with
``python -m tests.content.transcript_ngrams ../shared/seed/000_82cf178448d910de.txt``.
"""

import hashlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

RUN_LENGTH = 8
HASHES = Path(__file__).parent / "data" / "transcript_8grams.txt"


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def runs(text: str) -> Iterator[str]:
    sequence = words(re.sub(r"\[\d\d:\d\d\]", " ", text))
    for i in range(len(sequence) - RUN_LENGTH + 1):
        yield " ".join(sequence[i : i + RUN_LENGTH])


def run_hash(run: str) -> str:
    return hashlib.blake2b(run.encode(), digest_size=6).hexdigest()


def main(transcript: str) -> None:
    hashes = sorted({run_hash(run) for run in runs(Path(transcript).read_text())})
    HASHES.write_text("\n".join(hashes) + "\n")
    print(f"{len(hashes)} runs written to {HASHES}")


if __name__ == "__main__":
    main(sys.argv[1])
