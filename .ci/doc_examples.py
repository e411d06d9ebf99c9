#!/usr/bin/env python3
"""Proves that every documentation example of a published SDK crate compiles
with only that crate and tokio as dependencies.

`cargo test --doc` compiles each example against the crate, its normal
dependencies and its dev-dependencies. The dev-dependencies of the SDK crates
are tokio (and serde_json for unit tests); this script rejects any example
line that names another crate the doctest could silently link (a normal or dev
dependency other than tokio), so an example that compiles in CI compiles for a
user with `cargo add <crate>` and tokio alone. Hidden lines (`# ...`) count too.
"""
import json
import pathlib
import re
import subprocess
import sys

CRATES = ["blackbox-core", "blackbox-funcs", "blackbox"]
ALLOWED = {"tokio", "std", "core", "alloc"}
FENCE = re.compile(r"^\s*```(.*)$")
NOT_RUST = {"toml", "text", "sh", "bash", "console", "json", "ignore-not-rust"}

metadata = json.loads(
    subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
)
packages = {package["name"]: package for package in metadata["packages"]}
problems = []
examples = 0
for name in CRATES:
    package = packages[name]
    own = name.replace("-", "_")
    dependencies = {
        (dep.get("rename") or dep["name"]).replace("-", "_")
        for dep in package["dependencies"]
    } - ALLOWED - {own}
    # `blackbox::core` is the facade's own module, not the `core` crate.
    pattern = re.compile(
        r"(?<![\w:.])(" + "|".join(sorted(dependencies)) + r")\s*::"
        + r"|\bextern\s+crate\s+(" + "|".join(sorted(dependencies)) + r")\b"
    )
    root = pathlib.Path(package["manifest_path"]).parent
    sources = sorted((root / "src").rglob("*.rs"))
    for path in sources:
        in_fence = in_code = False
        for number, line in enumerate(path.read_text().splitlines(), 1):
            stripped = line.strip()
            if not (stripped.startswith("///") or stripped.startswith("//!")):
                in_fence = in_code = False
                continue
            text = stripped[3:]
            fence = FENCE.match(text)
            if fence:
                if in_fence:
                    in_fence = in_code = False
                else:
                    info = fence.group(1).strip().split(",")[0]
                    in_fence = True
                    in_code = info not in NOT_RUST
                    examples += in_code
                continue
            if in_code and pattern.search(text):
                problems.append(f"{path.relative_to(root.parent.parent)}:{number}: {text.strip()}")
if problems:
    print("Documentation examples that name a crate a user of the documented crate does not have:")
    print("\n".join(problems))
    sys.exit(1)
print(f"doc examples: {examples} examples in {', '.join(CRATES)} name only their own crate, tokio and std")
