"""Reviewer keys, signatures on decisions, and the reviewer trust file.

Each reviewer (each operating-system user who reviews) has one Ed25519 key pair,
made on first use and kept in the user's profile folder (platformdirs'
``user_data_dir``, folder ``reviewer``; ``PHOTOCHECK_REVIEWER_KEY_DIR`` overrides
it). Every decision a reviewer records is signed with it. The signature covers
the decision's history event hash, which covers the hash of the event before it,
so one signature commits to the whole history up to that decision.

A signature alone proves only that *some* key signed: a candidate can make a key
too. A decision counts as verified only when its key is listed in a trust file that
the exam office hands out: one ``ed25519:<64 hex> NAME`` line per reviewer
(``photocheck package key`` prints a reviewer's line). The trust file is given with
``--trusted-keys FILE``, or by ``PHOTOCHECK_TRUSTED_KEYS``, or by ``trusted_keys``
under ``[review]`` in ``settings.toml`` in the user's config folder.

Ed25519 comes from libsodium through PyNaCl.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, OutputError
from ..fsutil import replace
from ..text import Text

ALG = "ed25519"
KEY_DIR_ENV = "PHOTOCHECK_REVIEWER_KEY_DIR"
TRUST_ENV = "PHOTOCHECK_TRUSTED_KEYS"
SETTINGS_FILE = "settings.toml"
KEY_FILE = "reviewer-ed25519.key"
PUBLIC_FILE = "reviewer-ed25519.pub"
# Signed bytes: this prefix, the package id, a newline, the event hash. The prefix keeps a
# decision signature from ever being valid for any other use of the same key.
DOMAIN = b"photocheck-review-decision-v1\n"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_TRUST_LINE = re.compile(r"^ed25519:([0-9a-fA-F]{64})(?:\s+(.*))?$")
TRUST_MAX_BYTES = 1 << 20


def _user_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("photocheck", appauthor=False))


def _user_config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("photocheck", appauthor=False))


def key_dir() -> Path:
    env = os.environ.get(KEY_DIR_ENV)
    return Path(env) if env else _user_data_dir() / "reviewer"


def message(package_id: str, event_hash: str) -> bytes:
    return DOMAIN + package_id.encode("utf-8") + b"\n" + event_hash.encode("ascii")


def fingerprint(public_hex: str) -> str:
    """A short name for a key: the first 16 hex digits of its SHA-256, in groups of 4."""
    h = hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:16]
    return " ".join(h[i:i + 4] for i in range(0, 16, 4))


def trust_line(public_hex: str, name: str | None) -> str:
    return f"{ALG}:{public_hex}" + (f" {name.strip()}" if name and name.strip() else "")


@dataclass(frozen=True)
class ReviewerKey:
    """A reviewer's private key (the seed) and where it came from."""

    seed: bytes
    path: Path | None = None

    @property
    def public_hex(self) -> str:
        from nacl.signing import SigningKey

        return bytes(SigningKey(self.seed).verify_key).hex()

    def sign(self, data: bytes) -> str:
        from nacl.signing import SigningKey

        return SigningKey(self.seed).sign(data).signature.hex()

    @classmethod
    def generate(cls) -> "ReviewerKey":
        from nacl.signing import SigningKey

        return cls(bytes(SigningKey.generate()))


def verify_signature(public_hex: str, data: bytes, signature_hex: str) -> bool:
    """True when ``signature_hex`` is a valid Ed25519 signature of ``data`` by the key."""
    from nacl.exceptions import BadSignatureError, CryptoError
    from nacl.signing import VerifyKey

    try:
        VerifyKey(bytes.fromhex(public_hex)).verify(data, bytes.fromhex(signature_hex))
        return True
    except (BadSignatureError, CryptoError, ValueError, TypeError):
        return False


def _read_text(path: Path, what: Text, limit: int, code: str) -> str:
    """A small UTF-8 text file (a key or a trust file); every failure is an InputError naming ``what``."""
    def bad(zh: str, en: str) -> InputError:
        return InputError(Text(f"{what.zh}无法使用（{path}）：{zh}", f"the {what.en} cannot be used ({path}): {en}"),
                          code=code)
    try:
        with open(path, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise bad("不是普通文件", "it is not a regular file")
            raw = fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError(Text(f"找不到{what.zh}：{path}", f"{what.en} not found: {path}"), code="not_found") from None
    except OSError as e:
        raise bad(f"无法读取（{e.strerror}）", f"cannot read it ({e.strerror})") from None
    if len(raw) > limit:
        raise bad("文件过大", "the file is too large")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise bad("不是 UTF-8 文本", "it is not UTF-8 text") from None


KEY_WHAT = Text("审核人密钥文件", "reviewer key file")
TRUST_WHAT = Text("审核人信任文件", "reviewer trust file")


def load_key_file(path: str | os.PathLike) -> ReviewerKey:
    """A private key written by ``load_or_create`` (one line: 64 hex digits of the seed)."""
    p = Path(path)
    lines = [ln.strip() for ln in _read_text(p, KEY_WHAT, 4096, "bad_key").splitlines()
             if ln.strip() and not ln.startswith("#")]
    if len(lines) != 1 or not _HEX64.match(lines[0].lower()):
        raise InputError(Text(f"审核人密钥文件无法使用（{p}）：内容不是一个 Ed25519 私钥",
                              f"the reviewer key file cannot be used ({p}): it does not hold an Ed25519 private key"),
                         code="bad_key")
    return ReviewerKey(bytes.fromhex(lines[0]), p)


def load_or_create(folder: str | os.PathLike | None = None) -> ReviewerKey:
    """This user's reviewer key, made on first use (the private key readable by the user only)."""
    d = Path(folder) if folder is not None else key_dir()
    path = d / KEY_FILE
    if path.exists() or path.is_symlink():
        return load_key_file(path)
    key = ReviewerKey.generate()
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".~key", suffix=".tmp", dir=d)   # mode 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(b"# photocheck reviewer private key (Ed25519 seed). Keep it secret.\n")
                fh.write(key.seed.hex().encode("ascii") + b"\n")
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)          # never replaces a key another process just made
            except FileExistsError:
                pass
            except OSError:
                if not path.exists():
                    replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as e:
        raise OutputError(Text(f"无法保存审核人密钥：{path}", f"cannot save the reviewer key: {path} ({e.strerror})"),
                          code="unwritable") from None
    key = load_key_file(path)          # whichever key won a race
    try:
        (d / PUBLIC_FILE).write_text(trust_line(key.public_hex, None) + "\n", encoding="ascii")
    except OSError:
        pass                              # the public half can always be printed again
    return key


# --- the trust file ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TrustList:
    """Reviewer keys the exam office trusts: public key (hex) -> reviewer name."""

    source: str
    keys: dict[str, str] = field(default_factory=dict)

    def name(self, public_hex: str | None) -> str | None:
        return None if public_hex is None else self.keys.get(public_hex)

    def trusts(self, public_hex: str | None) -> bool:
        return public_hex is not None and public_hex in self.keys


def load_trust(path: str | os.PathLike) -> TrustList:
    """Read a trust file: ``ed25519:<64 hex> NAME`` per line; ``#`` starts a comment."""
    p = Path(path)
    keys: dict[str, str] = {}
    for n, line in enumerate(_read_text(p, TRUST_WHAT, TRUST_MAX_BYTES, "bad_trust_file").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _TRUST_LINE.match(line)
        if m is None:
            raise InputError(Text(f"审核人信任文件无法使用（{p}）：第 {n} 行格式不对（应为 ed25519:<64 位十六进制> 姓名）",
                                  f"the reviewer trust file cannot be used ({p}): line {n} is not "
                                  f"'ed25519:<64 hex digits> NAME'"), code="bad_trust_file")
        keys[m.group(1).lower()] = (m.group(2) or "").strip()
    return TrustList(str(p), keys)


def configured_trust_path() -> Path | None:
    """The trust file named by ``PHOTOCHECK_TRUSTED_KEYS`` or the settings, else None.

    ``PHOTOCHECK_TRUSTED_KEYS`` set but empty means none, whatever the settings say."""
    env = os.environ.get(TRUST_ENV)
    if env is not None:
        return Path(env) if env else None
    f = _user_config_dir() / SETTINGS_FILE
    try:
        with open(f, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    value = (data.get("review") or {}).get("trusted_keys") if isinstance(data.get("review"), dict) else None
    return Path(value).expanduser() if isinstance(value, str) and value else None


def trust_for(path: str | os.PathLike | None) -> TrustList | None:
    """The trust list from ``path``, or from the configured file, or None when there is none."""
    p = Path(path) if path else configured_trust_path()
    return load_trust(p) if p is not None else None
