"""The container image, checked without a Docker engine: hadolint, the Dockerfile's structure, and
that the runtime stage installs every shared library the natively built release binary links."""

from __future__ import annotations

import glob
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from ops_support import REPO

DOCKERFILE = REPO / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with line continuations joined and comments dropped."""
    logical, current = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        logical.append(current)
        current = ""
    pairs = []
    for entry in logical:
        keyword, _, rest = entry.partition(" ")
        pairs.append((keyword.upper(), rest.strip()))
    return pairs


def stages() -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for keyword, rest in instructions():
        if keyword == "FROM":
            result.append([])
        result[-1].append((keyword, rest))
    return result


def apt_packages(stage: list[tuple[str, str]]) -> dict[str, str]:
    """Packages installed by `apt-get install` in a stage: name → version pin."""
    packages = {}
    for keyword, rest in stage:
        if keyword != "RUN":
            continue
        for command in re.split(r"&&|;", rest):
            words = shlex.split(command)
            if words[:2] == ["apt-get", "install"]:
                for word in words[2:]:
                    if not word.startswith("-"):
                        name, _, version = word.partition("=")
                        packages[name] = version
    return packages


def test_hadolint_reports_nothing():
    result = subprocess.run(["hadolint", str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr


def test_hadolint_would_catch_a_regression():
    # The linter really runs our rules: an unpinned, recommends-installing variant must fail.
    broken = DOCKERFILE.read_text().replace("--no-install-recommends", "").replace("libssl3=3.0.*", "libssl3")
    result = subprocess.run(["hadolint", "-"], input=broken, capture_output=True, text=True)
    assert result.returncode != 0
    assert "DL3015" in result.stdout and "DL3008" in result.stdout


def test_build_stage_uses_the_official_swift_image_matching_the_native_toolchain():
    build = stages()[0]
    image = build[0][1].split()[0]
    match = re.fullmatch(r"swift:(\d+\.\d+(?:\.\d+)?)-bookworm", image)
    assert match, f"build stage image {image!r} is not an official swift:<version>-bookworm tag"
    native = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout
    native_version = re.search(r"Swift version (\d+\.\d+(?:\.\d+)?)", native).group(1)
    assert match.group(1) == native_version, "the image must build with the toolchain the tests prove"


def test_build_stage_runs_the_same_command_as_the_release_script_after_a_resolve_layer():
    build = stages()[0]
    runs = [rest for keyword, rest in build if keyword == "RUN"]
    script = (REPO / "scripts" / "build-release.sh").read_text()
    command = "swift build -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections --product secure-upload"
    assert "build=(swift build -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections --product secure-upload)" in script
    build_index = next(i for i, run in enumerate(runs) if run.startswith(command))
    resolve_index = next(i for i, run in enumerate(runs) if run.startswith("swift package resolve"))
    assert resolve_index < build_index
    copies = [rest for keyword, rest in build if keyword == "COPY"]
    # Only the manifest is copied before resolving, so source edits keep the dependency layer.
    assert copies[0].split()[0] == "Package.swift" and "Sources" not in copies[0]


def test_runtime_stage_is_slim_non_root_and_runs_the_binary():
    runtime = stages()[-1]
    assert len(stages()) >= 2
    assert runtime[0][1] == "debian:bookworm-slim"
    by_keyword: dict[str, list[str]] = {}
    for keyword, rest in runtime:
        by_keyword.setdefault(keyword, []).append(rest)
    assert by_keyword["USER"] == ["10001:10001"]
    assert by_keyword["WORKDIR"] == ["/app"]
    assert by_keyword["EXPOSE"] == ["8080"]
    assert by_keyword["STOPSIGNAL"] == ["SIGTERM"]
    assert by_keyword["ENTRYPOINT"] == ['["/app/secure-upload"]']
    assert by_keyword["CMD"] == ['["serve"]']
    assert by_keyword["HEALTHCHECK"][0].endswith('CMD ["/app/secure-upload", "healthcheck"]')
    env = dict(
        item.split("=", 1) for line in by_keyword["ENV"] for item in shlex.split(line)
    )
    for key, value in {
        "SECURE_UPLOAD_MODE": "aws",
        "HOST": "0.0.0.0",
        "PORT": "8080",
        "STATIC_DIR": "/app/frontend",
        "LOG_FORMAT": "json",
    }.items():
        assert env.get(key) == value, key
    copies = by_keyword["COPY"]
    assert "--from=build /staging/secure-upload /app/secure-upload" in copies
    assert "frontend/ /app/frontend/" in copies
    assert any("useradd" in run and "--uid 10001" in run for run in by_keyword["RUN"])
    for run in by_keyword["RUN"]:
        if "apt-get install" in run:
            assert "--no-install-recommends" in run
            assert "rm -rf /var/lib/apt/lists/*" in run


def test_runtime_stage_installs_every_shared_library_the_release_binary_links(release_binary: Path):
    runtime_packages = apt_packages(stages()[-1])
    assert "ca-certificates" in runtime_packages
    assert all(version for version in runtime_packages.values()), "every runtime package is pinned"
    # Present in every Debian image (essential, or required by apt itself).
    base_image = {"libc6", "libgcc-s1"}
    ldd = subprocess.run(["ldd", str(release_binary)], capture_output=True, text=True, check=True).stdout
    assert "libswift" not in ldd and "libFoundation" not in ldd
    resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", ldd, flags=re.MULTILINE))
    # The binary's own NEEDED entries; apt brings the libraries' own dependencies along.
    dynamic = subprocess.run(["readelf", "-d", str(release_binary)], capture_output=True, text=True, check=True)
    direct = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic.stdout)
    assert "libssl.so.3" in direct or "libcrypto.so.3" in direct
    needed = {}
    for library in direct:
        if library.startswith("ld-linux"):
            continue  # the dynamic loader itself, part of libc6
        path = resolved.get(library)
        assert path, f"{library} does not resolve on this machine"
        owner = subprocess.run(["dpkg", "-S", str(Path(path).resolve())], capture_output=True, text=True)
        if owner.returncode != 0:
            owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        assert owner.returncode == 0, f"{path} belongs to no Debian package"
        needed[library] = owner.stdout.split(":")[0]
    missing = {lib: pkg for lib, pkg in needed.items() if pkg not in runtime_packages and pkg not in base_image}
    assert not missing, f"the runtime image lacks packages for {missing}"


def dockerignore_rules() -> list[tuple[bool, re.Pattern]]:
    """(re-include?, pattern) for each .dockerignore line, in Go filepath.Match syntax plus `**`."""
    rules = []
    for line in (REPO / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:] if negate else line
        pattern = pattern.strip("/").removeprefix("./")
        regex, index = "", 0
        while index < len(pattern):
            if pattern.startswith("**/", index):
                regex, index = regex + "(?:.*/)?", index + 3
            elif pattern.startswith("**", index):
                regex, index = regex + ".*", index + 2
            elif pattern[index] == "*":
                regex, index = regex + "[^/]*", index + 1
            elif pattern[index] == "?":
                regex, index = regex + "[^/]", index + 1
            else:
                regex, index = regex + re.escape(pattern[index]), index + 1
        rules.append((negate, re.compile(regex)))
    return rules


def build_context() -> list[str]:
    """The files `docker build .` would send: the checkout minus what .dockerignore excludes (a
    pattern matching a folder excludes everything in it; the last matching rule wins)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    rules = dockerignore_rules()
    context = []
    for path in listed:
        if not (REPO / path).is_file():
            continue
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        ignored = False
        for negate, pattern in rules:
            if any(pattern.fullmatch(prefix) for prefix in prefixes):
                ignored = not negate
        if not ignored:
            context.append(path)
    return context


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_context():
    context = build_context()
    assert "Package.swift" in context and "frontend/index.html" in context
    assert any(path.startswith("Sources/UploadService/") for path in context)
    for path in context:
        top = path.split("/")[0]
        assert top not in {".build", ".git", ".data", ".env", "terraform", "docs", "scripts", ".ci"}, path
        assert not path.endswith((".tfstate", ".pyc")), path


def test_build_stage_copies_a_package_swiftpm_accepts(tmp_path: Path):
    # SwiftPM rejects a manifest whose declared target folders are missing: the build stage must
    # copy every folder Package.swift names, from what .dockerignore lets through.
    context = set(build_context())
    staged = tmp_path / "context"
    for path in context:
        (staged / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / path, staged / path)
    workdir = tmp_path / "src"
    workdir.mkdir()
    build = stages()[0]
    for keyword, rest in build:
        if keyword != "COPY" or rest.startswith("--from"):
            continue
        *sources, destination = shlex.split(rest)
        for source in sources:
            for match in glob.glob(str(staged / source)):
                target = workdir / destination / Path(match).name if destination.endswith("/") else workdir / destination
                if Path(match).is_dir():
                    shutil.copytree(match, target)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(match, target)
    result = subprocess.run(
        ["swift", "package", "describe", "--type", "json"], cwd=workdir, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert '"secure-upload"' in result.stdout
