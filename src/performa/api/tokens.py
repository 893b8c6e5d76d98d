"""The caller's own API tokens: list, create (the key is shown once), revoke."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from performa.accounts import tokens

from .schemas import Error, Text, TokenOut

router = Router(tags=["token"])


class TokenIn(Schema):
    name: Text = Field(max_length=100, description="a cosa serve (per esempio: contabilità)")


class TokenCreated(TokenOut):
    key: str = Field(description="la chiave: mostrata solo ora, non è conservata")


@router.get("/tokens", response=list[TokenOut], summary="I miei token")
def my_tokens(request: HttpRequest) -> Any:
    return request.user.api_tokens.all()


@router.post("/tokens", response={201: TokenCreated, 422: Error}, summary="Nuovo token")
def create(request: HttpRequest, data: TokenIn) -> Any:
    try:
        token, key = tokens.create_token(request.user, data.name)
    except ValueError as error:
        raise ValidationError({"name": str(error)}) from None
    return Status(201, TokenCreated(key=key, **TokenOut.from_orm(token).model_dump()))


@router.delete("/tokens/{token_id}", response={200: TokenOut, 404: Error},
               summary="Revoca un token")
def revoke(request: HttpRequest, token_id: int) -> Any:
    if not request.user.api_tokens.filter(pk=token_id).exists():
        raise Http404
    return tokens.revoke_token(request.user, token_id)
