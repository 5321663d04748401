"""GeoJSON (RFC 7946) response models shared by every endpoint that answers GeoJSON.

Coordinates are ``[lon, lat]`` (WGS84). ``properties`` is a JSON object by the RFC; here its
values are typed as scalars or lists of strings (what every feature of this API carries).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

GEOJSON_MEDIA_TYPE = "application/geo+json"

Position = Annotated[list[float], Field(min_length=2, max_length=3, description="[lon, lat]")]
PropertyValue = str | float | int | bool | list[str] | None


class PointGeometry(BaseModel):
    type: Literal["Point"]
    coordinates: Position


class LineStringGeometry(BaseModel):
    type: Literal["LineString"]
    coordinates: list[Position] = Field(min_length=2)


Geometry = Annotated[PointGeometry | LineStringGeometry, Field(discriminator="type")]


class Feature(BaseModel):
    type: Literal["Feature"]
    id: str | int | None = None
    geometry: Geometry
    properties: dict[str, PropertyValue] = Field(
        description="the feature's attributes (names carry units, as everywhere in this API)"
    )


class FeatureCollection(BaseModel):
    type: Literal["FeatureCollection"]
    name: str | None = None
    features: list[Feature]
    network_year: int | None = Field(
        None, description="the network year drawn (GET /v1/network); absent elsewhere"
    )
    network_scenario: str | None = Field(
        None, description="the stored scenario drawn (GET /v1/network?scenario=)"
    )


def geojson_responses() -> dict[int | str, dict[str, object]]:
    """OpenAPI ``responses`` entry: 200 also as ``application/geo+json`` (FeatureCollection)."""
    ref = {"$ref": "#/components/schemas/FeatureCollection"}
    return {200: {"content": {GEOJSON_MEDIA_TYPE: {"schema": ref}}}}
