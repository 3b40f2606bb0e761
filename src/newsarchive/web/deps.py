"""Request dependencies: the borrowed store and the app's settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, cast

from fastapi import Depends, Request

from newsarchive.settings import Settings
from newsarchive.store import Store
from newsarchive.web.pool import StorePool


def pool_of(request: Request) -> StorePool:
    return cast(StorePool, request.app.state.pool)


def borrowed_store(request: Request) -> Iterator[Store]:
    with pool_of(request).borrow() as store:
        yield store


def app_settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


StoreDep = Annotated[Store, Depends(borrowed_store)]
SettingsDep = Annotated[Settings, Depends(app_settings)]
