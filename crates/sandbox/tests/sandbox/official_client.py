"""Plaid's official Python client (plaid-python, from PyPI, unchanged) through a whole Item's
life against coffer-sandbox. Run by official_client.rs: `python official_client.py BASE_URL`.

The client deserializes every answer into its generated models with type checking on (its
default), so an answer its models reject (a missing required field, an unknown enum value, a
wrong type) raises here and fails the Rust test. Exit 0 only when every step passed.
"""

import base64
import datetime
import http.server
import json
import sys
import threading

import plaid
from plaid.api import plaid_api
from plaid.exceptions import ApiException
from plaid.model.accounts_balance_get_request import AccountsBalanceGetRequest
from plaid.model.accounts_get_request import AccountsGetRequest
from plaid.model.country_code import CountryCode
from plaid.model.custom_sandbox_transaction import CustomSandboxTransaction
from plaid.model.institutions_get_by_id_request import InstitutionsGetByIdRequest
from plaid.model.institutions_get_by_id_request_options import (
    InstitutionsGetByIdRequestOptions,
)
from plaid.model.institutions_get_by_id_response import InstitutionsGetByIdResponse
from plaid.model.item_get_request import ItemGetRequest
from plaid.model.item_public_token_exchange_request import ItemPublicTokenExchangeRequest
from plaid.model.item_remove_request import ItemRemoveRequest
from plaid.model.link_token_create_request import LinkTokenCreateRequest
from plaid.model.link_token_create_request_user import LinkTokenCreateRequestUser
from plaid.model.link_token_get_request import LinkTokenGetRequest
from plaid.model.link_token_transactions import LinkTokenTransactions
from plaid.model.products import Products
from plaid.model.sandbox_item_fire_webhook_request import SandboxItemFireWebhookRequest
from plaid.model.sandbox_item_reset_login_request import SandboxItemResetLoginRequest
from plaid.model.sandbox_public_token_create_request import SandboxPublicTokenCreateRequest
from plaid.model.sandbox_public_token_create_request_options import (
    SandboxPublicTokenCreateRequestOptions,
)
from plaid.model.sandbox_public_token_create_request_options_transactions import (
    SandboxPublicTokenCreateRequestOptionsTransactions,
)
from plaid.model.sandbox_transactions_create_request import SandboxTransactionsCreateRequest
from plaid.model.transactions_refresh_request import TransactionsRefreshRequest
from plaid.model.transactions_sync_request import TransactionsSyncRequest
from plaid.model.webhook_type import WebhookType
from plaid.model.webhook_verification_key_get_request import WebhookVerificationKeyGetRequest

STEPS = []


def step(name):
    STEPS.append(name)
    print(f"step: {name}", flush=True)


def expect_error(name, code, call):
    """`call` must raise Plaid's error `code` (the body parsed as Plaid's error object)."""
    step(name)
    try:
        call()
    except ApiException as e:
        body = json.loads(e.body)
        assert body["error_code"] == code, f"{name}: wanted {code}, got {body}"
        assert body["request_id"], body
        return body
    raise AssertionError(f"{name}: wanted {code}, the call succeeded")


class Hooks(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hooks.received.append((self.headers.get("Plaid-Verification"), json.loads(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def main(base):
    hooks = http.server.HTTPServer(("127.0.0.1", 0), Hooks)
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    webhook = f"http://127.0.0.1:{hooks.server_address[1]}/hook"

    configuration = plaid.Configuration(
        host=base,
        api_key={"clientId": "official-client", "secret": "official-secret"},
    )
    api_client = plaid.ApiClient(configuration)
    client = plaid_api.PlaidApi(api_client)
    us = [CountryCode("US")]
    transactions = [Products("transactions")]

    step("link_token_create")
    lt = client.link_token_create(
        LinkTokenCreateRequest(
            client_name="Coffer",
            language="en",
            country_codes=us,
            user=LinkTokenCreateRequestUser(client_user_id="official-client-user"),
            products=transactions,
            webhook=webhook,
            transactions=LinkTokenTransactions(days_requested=30),
        )
    )
    step("link_token_get")
    got = client.link_token_get(LinkTokenGetRequest(link_token=lt.link_token))
    assert got.link_token == lt.link_token

    step("sandbox_public_token_create")
    pt = client.sandbox_public_token_create(
        SandboxPublicTokenCreateRequest(
            institution_id="ins_109508",
            initial_products=transactions,
            options=SandboxPublicTokenCreateRequestOptions(
                webhook=webhook,
                override_username="user_transactions_dynamic",
                override_password="pass_good",
                transactions=SandboxPublicTokenCreateRequestOptionsTransactions(
                    days_requested=30
                ),
            ),
        )
    )
    step("item_public_token_exchange")
    ex = client.item_public_token_exchange(
        ItemPublicTokenExchangeRequest(public_token=pt.public_token)
    )
    access = ex.access_token
    expect_error(
        "item_public_token_exchange twice",
        "INVALID_PUBLIC_TOKEN",
        lambda: client.item_public_token_exchange(
            ItemPublicTokenExchangeRequest(public_token=pt.public_token)
        ),
    )

    step("item_get")
    item = client.item_get(ItemGetRequest(access_token=access))
    assert item.item.item_id == ex.item_id
    step("accounts_get")
    accounts = client.accounts_get(AccountsGetRequest(access_token=access))
    assert len(accounts.accounts) > 0
    step("accounts_balance_get")
    client.accounts_balance_get(AccountsBalanceGetRequest(access_token=access))

    step("transactions_sync pages")
    cursor, added, pages = "", [], 0
    while True:
        page = client.transactions_sync(
            TransactionsSyncRequest(access_token=access, cursor=cursor, count=100)
        )
        added += page.added
        cursor = page.next_cursor
        pages += 1
        if not page.has_more:
            break
    assert pages > 1 and added, (pages, len(added))
    oldest = min(t.date for t in added)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    assert oldest >= today - datetime.timedelta(days=30), f"days_requested 30, oldest {oldest}"

    step("transactions_refresh")
    client.transactions_refresh(TransactionsRefreshRequest(access_token=access))
    step("sandbox_transactions_create")
    client.sandbox_transactions_create(
        SandboxTransactionsCreateRequest(
            access_token=access,
            transactions=[
                CustomSandboxTransaction(
                    date_transacted=today,
                    date_posted=today,
                    amount=4.2,
                    description="official client coffee",
                )
            ],
        )
    )
    step("transactions_sync after changes")
    while True:
        page = client.transactions_sync(
            TransactionsSyncRequest(access_token=access, cursor=cursor, count=100)
        )
        cursor = page.next_cursor
        if not page.has_more:
            break

    step("institutions_get_by_id")
    ins = client.institutions_get_by_id(
        InstitutionsGetByIdRequest(
            institution_id="ins_109508",
            country_codes=us,
            options=InstitutionsGetByIdRequestOptions(
                include_optional_metadata=True, include_status=True
            ),
        )
    )
    assert str(ins.institution.connection_availability) == "SUPPORTED", ins.institution
    expect_error(
        "institutions_get_by_id unknown",
        "INVALID_INSTITUTION",
        lambda: client.institutions_get_by_id(
            InstitutionsGetByIdRequest(institution_id="ins_0", country_codes=us)
        ),
    )

    step("sandbox_item_fire_webhook")
    fired = client.sandbox_item_fire_webhook(
        SandboxItemFireWebhookRequest(
            access_token=access,
            webhook_type=WebhookType("TRANSACTIONS"),
            webhook_code="DEFAULT_UPDATE",
        )
    )
    assert fired.webhook_fired

    step("sandbox_item_reset_login")
    client.sandbox_item_reset_login(SandboxItemResetLoginRequest(access_token=access))
    item = client.item_get(ItemGetRequest(access_token=access))
    assert item.item.error.error_code == "ITEM_LOGIN_REQUIRED", item.item.error
    expect_error(
        "accounts_get needs login",
        "ITEM_LOGIN_REQUIRED",
        lambda: client.accounts_get(AccountsGetRequest(access_token=access)),
    )

    step("webhook_verification_key_get")
    # The webhooks so far arrive in the background; the key of their JWT must be served.
    for _ in range(200):
        if Hooks.received:
            break
        threading.Event().wait(0.05)
    assert Hooks.received, "no webhook arrived"
    jwt = Hooks.received[0][0]
    header = json.loads(_b64(jwt.split(".")[0]))
    key = client.webhook_verification_key_get(
        WebhookVerificationKeyGetRequest(key_id=header["kid"])
    )
    assert key.key.kid == header["kid"] and key.key.alg == "ES256"

    step("item_remove")
    client.item_remove(ItemRemoveRequest(access_token=access))
    expect_error(
        "item_get after remove",
        "ITEM_NOT_FOUND",
        lambda: client.item_get(ItemGetRequest(access_token=access)),
    )
    expect_error(
        "item_get unknown token",
        "INVALID_ACCESS_TOKEN",
        lambda: client.item_get(ItemGetRequest(access_token="access-sandbox-nope")),
    )

    step("the models do reject a body lacking a required field")
    raw = json.loads(json.dumps(ins.to_dict(), default=str))
    raw["request_id"] = ins.request_id

    def decode(body):
        return plaid.model_utils.validate_and_convert_types(
            body, (InstitutionsGetByIdResponse,), ["received_data"], True, True, configuration
        )

    decode(json.loads(json.dumps(raw)))  # the sandbox's own answer: accepted
    del raw["institution"]["connection_availability"]
    try:
        decode(raw)
    except (plaid.ApiTypeError, plaid.ApiValueError, TypeError) as e:
        assert "connection_availability" in str(e), e
        print(f"rejected as expected: {e}", flush=True)
    else:
        raise AssertionError("the client accepted an Institution without connection_availability")

    hooks.shutdown()
    print(f"official client: {len(STEPS)} steps passed, plaid-python {plaid.__version__}")


def _b64(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


if __name__ == "__main__":
    main(sys.argv[1])
