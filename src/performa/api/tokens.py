"""The caller's own API tokens: list, create (the key is shown once), revoke.

Creating one needs the browser session of a person logged in with a password: a token that
could mint tokens would let a leaked key outlive its own revocation through its children.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from performa.accounts import tokens

from .auth import by_token
from .schemas import Error, Text, TokenOut

router = Router(tags=["token"])


class TokenIn(Schema):
    name: Text = Field(max_length=100, description="a cosa serve (per esempio: contabilità)")


class TokenCreated(TokenOut):
    key: str = Field(description="la chiave: mostrata solo ora, non è conservata")


@router.get("/tokens", response=list[TokenOut], summary="I miei token")
def my_tokens(request: HttpRequest) -> Any:
    return request.user.api_tokens.all()


MINTING_REFUSED = ("Un token non può creare altri token: li crea la persona, dopo l'accesso con "
                   "la password, nella pagina «Token API» (o l'amministratore del server con "
                   "«performa token create»).")


@router.post("/tokens", response={201: TokenCreated, 403: Error, 422: Error},
             summary="Nuovo token",
             description="Solo dalla sessione del browser di chi ha fatto l'accesso con la "
                         "password: una chiamata autenticata con un token riceve 403.")
def create(request: HttpRequest, data: TokenIn) -> Any:
    if by_token(request) is not None:
        raise PermissionDenied(MINTING_REFUSED)
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
