"""``freight demand generate|summary``: regenerate and inspect the demand data."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import cast

import typer

from freight.cli.common import echo_json, run_cli

app = typer.Typer(help="Generate, check and summarise the demand data.", no_args_is_help=True)


@app.command("generate")
def generate_cmd(
    out: Path | None = typer.Option(None, "--out", help="Output folder (default: demand_data/)."),
    check: bool = typer.Option(
        False,
        "--check",
        help="Compare with the files on disk instead of writing; exit 1 on a difference.",
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Generator seed (default: the shipped one)."
    ),
) -> None:
    """Write every generated demand file (byte-for-byte reproducible), or --check them."""
    from freight.demand import DEFAULT_SEED
    from freight.demand.generate import checked_in_files, encode
    from freight.demand.loaders import read_text
    from freight.paths import demand_dir

    folder = out if out is not None else demand_dir()
    files = run_cli(lambda: checked_in_files(DEFAULT_SEED if seed is None else seed))
    if check:
        bad = []
        for name, render in files.items():
            path = folder / name
            if not path.is_file():
                bad.append(f"{name}: missing")
            elif run_cli(partial(read_text, path)) != render():
                bad.append(f"{name}: differs from regeneration")
        for line in bad:
            typer.echo(line, err=True)
        if bad:
            typer.echo(f"{len(bad)} of {len(files)} file(s) out of date in {folder}", err=True)
            raise typer.Exit(1)
        typer.echo(f"OK: {len(files)} file(s) in {folder} match the generator")
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, render in files.items():
            (folder / name).write_bytes(encode(name, render()))
    except OSError as exc:
        typer.echo(f"error: cannot write to {folder}: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {len(files)} file(s) to {folder}")


@app.command("summary")
def summary_cmd(
    year: int = typer.Option(2025, "--year", help="Year 2025..2035."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Planned tonnes by commodity, rail share and shipment count of a year."""
    from freight.demand.generate import planned_summary
    from freight.demand.loaders import load_shipments
    from freight.errors import InputError

    def build() -> dict[str, object]:
        try:
            s = planned_summary(year)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        ships = load_shipments(year)
        return {
            "year": year,
            "shipments": len(ships),
            "tonnes": s.tonnes,
            "rail_tonnes": s.rail_tonnes,
            "rail_share": round(s.rail_share, 4),
            "tonnes_by_commodity": {
                k: round(v, 1) for k, v in sorted(s.tonnes_by_commodity.items())
            },
        }

    data = run_cli(build)
    if as_json:
        echo_json(data)
        return
    typer.echo(
        f"{year}: {data['shipments']} shipments, {data['tonnes']:,.0f} t, "
        f"rail-expected {data['rail_tonnes']:,.0f} t ({data['rail_share']:.1%})"
    )
    by = cast(dict[str, float], data["tonnes_by_commodity"])
    for k, v in by.items():
        typer.echo(f"  {k:<16} {v:>14,.1f} t")
