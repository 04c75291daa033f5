"""What every request handler needs: configuration, database, dispatcher, stream, accounts."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from sandbox.delivery.guard import Destinations, is_loopback_bind
from sandbox.services.account import Account
from sandbox.services.dispatcher import Dispatcher
from sandbox.services.limits import UNLIMITED, Limits
from sandbox.services.zapier import ZapierAccount
from sandbox.storage.database import MEMORY, Database
from sandbox.web.stream import Broker

DEFAULT_WORKSPACE = "default"


@dataclass
class Config:
    database: str = MEMORY
    host: str = "127.0.0.1"
    port: int = 8024
    seed: str | None = None
    speed: float = 1.0  # retry schedule compression for demos
    timeout: float = 10.0  # seconds before an outbound IPN counts as timed out
    site_dir: str | None = None  # the built guide, served at /
    per_reader: bool = False  # each browser gets its own workspace (a public instance)
    idle_seconds: float = 24 * 3600  # per-reader workspaces unused this long are deleted
    limits: Limits = UNLIMITED
    allowed_hosts: tuple[str, ...] = ()  # outbound IPN destinations when the server is exposed

    @property
    def database_label(self) -> str:
        return "memory" if self.database == MEMORY else "file"

    @property
    def destinations(self) -> Destinations:
        return Destinations(
            exposed=not is_loopback_bind(self.host), allowed_hosts=self.allowed_hosts, own_origin=self.base_url
        )

    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"


@dataclass
class Context:
    config: Config
    database: Database
    broker: Broker
    dispatcher: Dispatcher
    version: str
    accounts: dict[str, Account] = field(default_factory=dict)
    zapier_accounts: dict[str, ZapierAccount] = field(default_factory=dict)

    def account(self, workspace: str = DEFAULT_WORKSPACE) -> Account:
        account = self.accounts.get(workspace)
        if account is None:
            account = Account.open(
                self.database, workspace, seed=self.config.seed, notify=self.broker.publish, limits=self.config.limits
            )
            account.on_event_stored.append(self.dispatcher.wake)
            self.accounts[workspace] = account
        return account

    def forget(self, workspace: str) -> None:
        """Drop a deleted workspace's cached services."""
        self.accounts.pop(workspace, None)
        self.zapier_accounts.pop(workspace, None)

    def zapier(self, workspace: str = DEFAULT_WORKSPACE) -> ZapierAccount:
        zapier = self.zapier_accounts.get(workspace)
        if zapier is None:
            zapier = ZapierAccount(self.account(workspace), self.config.base_url)
            self.zapier_accounts[workspace] = zapier
        return zapier


def context(request: Request) -> Context:
    return request.app.state.context


def workspace_of_request(request: Request) -> str:
    """The reader's workspace, chosen by :class:`sandbox.web.workspaces.WorkspaceMiddleware`."""
    return str(request.scope.get("state", {}).get("workspace", DEFAULT_WORKSPACE))


def account_for(request: Request) -> Account:
    """The reader's vendor account."""
    return context(request).account(workspace_of_request(request))


def zapier_for(request: Request) -> ZapierAccount:
    return context(request).zapier(workspace_of_request(request))
