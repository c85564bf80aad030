"""Signing credentials: an Ed25519 key under the instance path, and W3C Data Integrity
proofs with the `eddsa-jcs-2022` cryptosuite (VC Data Integrity EdDSA Cryptosuites v1.0).

Why this suite: the credential stays one JSON document with its proof embedded (Open Badges
3.0 allows `proof`), and canonicalisation is RFC 8785 JSON (the `rfc8785` package) instead of
RDF dataset canonicalisation, which would need a JSON-LD processor and the contexts online.
The signature primitive is `cryptography`'s Ed25519. The verification method is a `did:key`,
so anyone can check a certificate with the document alone.

    signer = Signer.from_instance(settings.instance_path)
    signed = signer.sign(document, created=now)
    assert verify_proof(signed)
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE = Path("keys") / "credentials-ed25519.pem"
CRYPTOSUITE = "eddsa-jcs-2022"
# Multicodec prefix of an Ed25519 public key (0xed, varint-encoded), for did:key.
_ED25519_PUB = b"\xed\x01"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58.index(char)  # ValueError on a foreign character
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def did_key(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "did:key:z" + b58encode(_ED25519_PUB + raw)


def public_key_of(verification_method: str) -> Ed25519PublicKey:
    """The key a `did:key:z6Mk...#z6Mk...` verification method names."""
    did = verification_method.split("#", 1)[0]
    if not did.startswith("did:key:z"):
        raise ValueError("not a did:key")
    decoded = b58decode(did.removeprefix("did:key:z"))
    if not decoded.startswith(_ED25519_PUB) or len(decoded) != 34:
        raise ValueError("not an Ed25519 did:key")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


def load_or_create_key(instance_path: Path) -> Ed25519PrivateKey:
    """The instance's signing key; made on first use, readable by the owner only."""
    path = instance_path / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
            return key
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    return loaded


def _hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof_options.items() if k != "proofValue"}
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    return (hashlib.sha256(rfc8785.dumps(config)).digest()
            + hashlib.sha256(rfc8785.dumps(unsecured)).digest())


@dataclasses.dataclass(frozen=True)
class Signer:
    private_key: Ed25519PrivateKey

    @classmethod
    def from_instance(cls, instance_path: Path) -> Signer:
        return cls(load_or_create_key(instance_path))

    @property
    def verification_method(self) -> str:
        did = did_key(self.private_key.public_key())
        return f"{did}#{did.removeprefix('did:key:')}"

    def sign(self, document: dict[str, Any], *, created: dt.datetime) -> dict[str, Any]:
        """The document with a Data Integrity proof added (`proof` as a list, as Open Badges
        3.0 has it)."""
        options = {"type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE,
                   "created": created.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "verificationMethod": self.verification_method,
                   "proofPurpose": "assertionMethod"}
        signature = self.private_key.sign(_hash_data(document, options))
        signed = copy.deepcopy(document)
        signed["proof"] = [{**options, "proofValue": "z" + b58encode(signature)}]
        return signed


def verify_proof(document: dict[str, Any]) -> bool:
    """True when the document carries an `eddsa-jcs-2022` proof that verifies: any change to
    the document after signing (a character, a key) makes this False."""
    proofs = document.get("proof")
    proof = proofs[0] if isinstance(proofs, list) and len(proofs) == 1 else proofs
    if not isinstance(proof, dict) or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return False
    try:
        key = public_key_of(str(proof.get("verificationMethod", "")))
        key.verify(b58decode(value[1:]), _hash_data(document, proof))
    except (InvalidSignature, ValueError, TypeError, rfc8785.CanonicalizationError):
        return False
    return True
