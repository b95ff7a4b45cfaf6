"""What one run keeps for the next (generator/keep.py, fastpaths/disk.py): only this user's own
signed entries are read back, and a build that reads them writes the same bytes as one that
computes everything. Real builds of the fixture clients, a real private cache in tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import keep
from generator.builder.fastpaths import pagecache, search
from generator.pipeline import build_all

from .conftest import make_repo


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    return home


def test_an_entry_comes_back_only_as_this_user_signed_it(cache_home: Path) -> None:
    store = keep.Store("probe")
    store.put("k", b"value")
    assert store.get("k") is None  # off until a build turns it on: nothing was written
    keep.enable()
    store.put("k", b"value")
    assert store.get("k") == b"value"
    file = cache_home / "handbook" / "probe" / f"k{keep.SUFFIX}"
    signed = file.read_bytes()
    file.write_bytes(signed[:-1] + bytes([signed[-1] ^ 1]))  # one bit changed
    assert store.get("k") is None
    file.write_bytes(b"\0" * 32 + signed[32:])  # planted: the content without this user's key
    assert store.get("k") is None
    file.write_bytes(signed[:40])  # cut short, as a crash mid-write would leave it
    assert store.get("k") is None


def test_nothing_is_kept_where_others_could_write(cache_home: Path) -> None:
    keep.enable()
    (cache_home / "handbook").mkdir(parents=True)
    os.chmod(cache_home / "handbook", 0o777)
    store = keep.Store("probe")
    store.put("k", b"value")
    assert not store.available and store.get("k") is None
    assert not (cache_home / "handbook" / "probe").exists() or not list((cache_home / "handbook" / "probe").iterdir())


def test_prune_keeps_the_entries_used_last(cache_home: Path) -> None:
    keep.enable()
    store = keep.Store("few", limit=10)
    for i in range(12):
        store.put(f"e{i:02d}", b"x")
        os.utime(cache_home / "handbook" / "few" / f"e{i:02d}{keep.SUFFIX}", (1_000_000 + i, 1_000_000 + i))
    assert store.get("e00") == b"x"  # read: now the newest
    assert keep.prune_all() == 4  # down to 8
    left = sorted(p.name.removesuffix(keep.SUFFIX) for p in (cache_home / "handbook" / "few").iterdir())
    assert left == ["e00", "e05", "e06", "e07", "e08", "e09", "e10", "e11"]


def test_a_build_that_reads_what_the_last_one_kept_writes_the_same_bytes(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo", fixtures=True)
    build_all(repo, [], tmp_path / "computed", jobs=1)  # the first build: nothing to read yet
    sites = cache_home / "handbook" / "sites"
    assert len(list(sites.glob(f"*{keep.SUFFIX}"))) == 2  # one file per client
    computed = files_of(tmp_path / "computed")

    pagecache.CACHE.clear()  # as in a new process
    search.install()
    read = pagecache.Stats.read
    build_all(repo, [], tmp_path / "read", jobs=1, force=True)
    assert pagecache.Stats.read - read > 20  # the conversions came from the kept files
    assert files_of(tmp_path / "read") == computed

    for file in sites.iterdir():  # planted: the same entries, changed, without this user's key
        file.write_bytes(b"\0" * 32 + file.read_bytes()[32:])
    pagecache.CACHE.clear()
    search.install()
    read = pagecache.Stats.read
    build_all(repo, [], tmp_path / "planted", jobs=1, force=True)
    assert pagecache.Stats.read == read
    assert files_of(tmp_path / "planted") == computed

    shared = tmp_path / "shared"  # a cache folder others could write to: nothing read or kept
    (shared / "handbook").mkdir(parents=True)
    os.chmod(shared / "handbook", 0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    pagecache.CACHE.clear()
    build_all(repo, [], tmp_path / "off", jobs=1, force=True)
    assert files_of(tmp_path / "off") == computed
    assert [p.name for p in (shared / "handbook").iterdir()] == []


def test_a_holiday_table_read_back_is_the_one_computed(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    import holidays

    from generator.project import dates

    keep.enable()
    dates._holiday_table.cache_clear()
    computed = dates._holiday_table("DE", 2027)
    assert computed[date(2027, 10, 3)] and date(2027, 10, 4) not in computed
    assert list((cache_home / "handbook" / "holidays").glob(f"*{keep.SUFFIX}"))
    dates._holiday_table.cache_clear()

    def not_asked(*args, **kwargs):
        raise AssertionError("the library was asked again")

    monkeypatch.setattr(holidays, "country_holidays", not_asked)
    assert dates._holiday_table("DE", 2027) == computed  # from the kept file this time
    dates._holiday_countries.cache_clear()
    countries = dates._holiday_countries()
    dates._holiday_countries.cache_clear()
    assert dates._holiday_countries() == countries and {"DE", "GB", "CH"} <= countries
    dates._holiday_table.cache_clear()
    dates._holiday_countries.cache_clear()


def test_installed_names_the_release_importlib_metadata_names() -> None:
    """keep.installed reads the metadata folders on sys.path itself (importing importlib.metadata
    cost a build with nothing to build a tenth): for every distribution of this environment, and
    for names spelt otherwise, it answers as importlib.metadata.version does."""
    from importlib import metadata

    names = {d.metadata["Name"] for d in metadata.distributions()}
    assert len(names) > 20
    spelt = {n.upper() for n in names} | {n.replace("-", "_") for n in names} | {"no-such-distribution-x"}
    for name in sorted(names | spelt):
        try:
            expected: str | None = metadata.version(name)
        except metadata.PackageNotFoundError:
            expected = None
        keep.installed.cache_clear()
        assert keep.installed(name) == expected, name


def test_installed_finds_dist_and_egg_info_in_path_order_and_asks_importlib_for_a_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    (first / "Some_Tool-2.0.dist-info").mkdir(parents=True)
    (first / "Some_Tool-2.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: some-tool\nVersion: 2.0\n\nVersion: 9 (the description)\n", encoding="utf-8"
    )
    (second / "some_tool-1.0.dist-info").mkdir(parents=True)
    (second / "some_tool-1.0.dist-info" / "METADATA").write_text("Name: some-tool\nVersion: 1.0\n", encoding="utf-8")
    (second / "old.thing-0.5-py3.11.egg-info").write_text("Name: old.thing\nVersion: 0.5\n", encoding="utf-8")
    monkeypatch.setattr("sys.path", [str(tmp_path / "missing"), str(first), str(second)])
    for name, expected in (("some-tool", "2.0"), ("Some.Tool", "2.0"), ("old-thing", "0.5"), ("absent", None)):
        keep.installed.cache_clear()
        assert keep.installed(name) == expected, name
    zipped = tmp_path / "lib.zip"
    zipped.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip archive on sys.path: importlib's to read
    monkeypatch.setattr("sys.path", [str(zipped), str(second)])
    asked = []
    monkeypatch.setattr(keep, "_installed_by_importlib", lambda dist: asked.append(dist) or "from importlib")
    keep.installed.cache_clear()
    assert keep.installed("some-tool") == "from importlib" and asked == ["some-tool"]
    keep.installed.cache_clear()
