"""A local stand-in for the parts of the Hugging Face Hub API that ``rasd-train publish`` uses.

It implements repo creation, branch and tag creation, pre-upload (answering "regular" upload mode
for every file, so contents travel base64 in the commit) and the NDJSON commit endpoint, and keeps
what it receives in memory so a test can check that the pushed files are byte for byte the staged
folder. It checks the bearer token and never echoes it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HubStub:
    def __init__(self, token: str):
        self.token = token
        self.repos: dict[str, dict] = {}
        self.files: dict[tuple[str, str, str], bytes] = {}  # (repo, revision, path) -> content
        self.tags: dict[tuple[str, str], str] = {}
        self.requests: list[str] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _send(self, code: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802 (http.server naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                stub.requests.append(f"POST {self.path.split('?')[0]}")
                if self.headers.get("Authorization") != f"Bearer {stub.token}":
                    return self._send(401, {"error": "Invalid credentials"})
                parts = self.path.split("?")[0].strip("/").split("/")
                if parts[:3] == ["api", "repos", "create"]:
                    req = json.loads(body)
                    repo = f"{req['organization']}/{req['name']}" if req.get("organization") else req["name"]
                    stub.repos.setdefault(repo, {"private": req.get("private", req.get("visibility") == "private"), "branches": {"main"}})
                    return self._send(200, {"url": f"http://{self.headers['Host']}/{repo}", "name": repo})
                if parts[:2] == ["api", "validate-yaml"]:
                    return self._send(200, {"errors": stub.validate_card(json.loads(body)["content"]), "warnings": []})
                if parts[0:2] != ["api", "models"] or len(parts) < 6:
                    return self._send(404, {"error": f"unknown endpoint {self.path}"})
                repo, action, rev = f"{parts[2]}/{parts[3]}", parts[4], "/".join(parts[5:])
                if repo not in stub.repos:
                    return self._send(404, {"error": "Repository not found"})
                if action == "preupload":
                    files = json.loads(body)["files"]
                    return self._send(200, {"files": [{"path": f["path"], "uploadMode": "regular",
                                                       "shouldIgnore": False, "oid": None} for f in files]})
                if action == "commit":
                    for line in body.splitlines():
                        item = json.loads(line)
                        if item["key"] == "file":
                            v = item["value"]
                            stub.files[(repo, rev, v["path"])] = base64.b64decode(v["content"])
                    oid = hashlib.sha1(body).hexdigest()
                    return self._send(200, {"commitUrl": f"http://{self.headers['Host']}/{repo}/commit/{oid}",
                                            "commitOid": oid, "success": True})
                if action == "branch":
                    stub.repos[repo]["branches"].add(rev)
                    return self._send(200, {})
                if action == "tag":
                    stub.tags[(repo, json.loads(body)["tag"])] = rev
                    return self._send(200, {})
                return self._send(404, {"error": f"unknown action {action}"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def validate_card(content: str) -> list[dict]:
        """The Hub rejects a README whose front matter does not parse or has a malformed model-index."""
        import yaml

        if not content.startswith("---\n"):
            return [{"message": "no YAML front matter"}]
        try:
            meta = yaml.safe_load(content[4:].split("\n---\n", 1)[0])
        except yaml.YAMLError as exc:
            return [{"message": f"invalid YAML: {exc}"}]
        errors = []
        for entry in meta.get("model-index", []):
            for res in entry.get("results", []):
                if not {"task", "dataset", "metrics"} <= set(res) or "type" not in res["task"]:
                    errors.append({"message": "model-index result lacks task/dataset/metrics"})
                for m in res.get("metrics", []):
                    if not isinstance(m.get("value"), (int, float)):
                        errors.append({"message": f"metric {m.get('name')} has no numeric value"})
        return errors

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
