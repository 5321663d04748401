"""Readers: the vendored benchmark files parse; bad files fail with file/line/field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from freight.errors import DataError, InputError
from freight.vrp import CvrpInstance, EvrptwInstance, VrptwInstance, read_instance

DATA = Path(__file__).resolve().parents[2] / "data" / "vrp"


def _files(folder: str, pattern: str) -> list[Path]:
    return sorted((DATA / folder).glob(pattern))


def test_solomon_files_parse() -> None:
    files = _files("solomon", "*.txt")
    assert [f.stem for f in files] == ["C101", "RC101"]
    for f in files:
        inst = read_instance(f)
        assert isinstance(inst, VrptwInstance)
        assert inst.num_customers == 100 and inst.num_vehicles == 25
        assert inst.name == f.stem


def test_evrptw_files_parse() -> None:
    files = _files("evrptw", "*.txt")
    assert len(files) == 37  # the 36 small instances and r101_21
    for f in files:
        inst = read_instance(f)
        assert isinstance(inst, EvrptwInstance)
        assert inst.ids[0] == "D0" and "S0" in inst.ids
        assert inst.num_customers in (5, 10, 15, 100)
        assert (inst.num_customers == 100) == (f.stem == "r101_21")
    big = read_instance(DATA / "evrptw" / "r101_21.txt")
    assert isinstance(big, EvrptwInstance)
    assert len(big.stations) == 21
    assert (big.battery, big.capacity, big.recharge_rate, big.velocity) == (62.14, 200.0, 0.48, 1.0)


def test_cvrp_files_parse() -> None:
    files = _files("cvrplib", "*.vrp")
    assert [f.stem for f in files] == ["X-n101-k25", "X-n200-k36"]
    for f in files:
        inst = read_instance(f)
        assert isinstance(inst, CvrpInstance)
        assert inst.demand[0] == 0
    x101 = read_instance(DATA / "cvrplib" / "X-n101-k25.vrp")
    assert isinstance(x101, CvrpInstance)
    assert x101.num_customers == 100 and x101.capacity == 206


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such instance file"):
        read_instance(tmp_path / "nope.txt")


def test_bad_solomon_number_names_line_and_field(tmp_path: Path) -> None:
    text = (DATA / "solomon" / "C101.txt").read_text().replace(" 912 ", " 9x2 ", 1)
    bad = tmp_path / "C101.txt"
    bad.write_text(text)
    with pytest.raises(DataError, match=r"C101.txt line \d+ field READY"):
        read_instance(bad)


def test_solomon_window_inverted_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "tiny.txt"
    bad.write_text(
        "tiny\n\nVEHICLE\nNUMBER CAPACITY\n 2 10\n\nCUSTOMER\n"
        "CUST NO. X Y DEMAND READY DUE SERVICE\n"
        " 0 0 0 0 0 100 0\n 1 1 1 1 50 40 1\n"
    )
    with pytest.raises(DataError, match="customer 1: READY TIME 50.0 after DUE DATE 40.0"):
        read_instance(bad)


def test_evrptw_missing_parameter(tmp_path: Path) -> None:
    lines = (DATA / "evrptw" / "c101C5.txt").read_text().splitlines()
    bad = tmp_path / "x.txt"
    bad.write_text("\n".join(ln for ln in lines if not ln.startswith("g ")))
    with pytest.raises(DataError, match="missing parameter line"):
        read_instance(bad)


def test_evrptw_short_row(tmp_path: Path) -> None:
    text = (
        (DATA / "evrptw" / "c101C5.txt").read_text().replace("C30        c          20.0", "C30 c")
    )
    bad = tmp_path / "x.txt"
    bad.write_text(text)
    with pytest.raises(DataError, match=r"x.txt line 6: expected 8 columns"):
        read_instance(bad)


def test_unknown_format(tmp_path: Path) -> None:
    bad = tmp_path / "x.txt"
    bad.write_text("hello world\n")
    with pytest.raises(DataError, match="unknown format"):
        read_instance(bad)
