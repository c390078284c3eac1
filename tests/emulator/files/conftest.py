"""An S3-compatible server on loopback for the `s3` files store's tests: moto's, in a thread, started on
first use and kept for the run; each test gets a bucket of its own."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any, Dict, List

import boto3
import pytest
from moto.server import ThreadedMotoServer


class Bucket:
    """A fresh bucket on the test server, with a plain boto3 client to look inside it."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.name = f"cozekit-{uuid.uuid4().hex[:12]}"
        self.client: Any = boto3.client("s3", endpoint_url=endpoint)
        self.client.create_bucket(Bucket=self.name)

    def url(self, prefix: str = "") -> str:
        return f"s3://{self.name}/{prefix}"

    def objects(self, prefix: str = "") -> List[str]:
        listed: Dict[str, Any] = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def get(self, key: str) -> bytes:
        data: bytes = self.client.get_object(Bucket=self.name, Key=key)["Body"].read()
        return data

    def multipart_uploads(self) -> List[str]:
        listed: Dict[str, Any] = self.client.list_multipart_uploads(Bucket=self.name)
        return [item["Key"] for item in listed.get("Uploads", [])]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The URL of a moto S3 server on a free loopback port."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Credentials and region for the test server (it takes any), and nothing from the host's AWS setup."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "cozekit-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "cozekit-test-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


@pytest.fixture
def bucket(s3_endpoint: str, aws_env: None) -> Bucket:
    return Bucket(s3_endpoint)
