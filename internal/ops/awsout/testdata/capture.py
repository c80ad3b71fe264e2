#!/usr/bin/python3
"""Capture what the AWS CLI v2 prints, for awsout's tests.

Run by capture.sh (which starts the STS test server and gets credentials);
writes cli_outputs.json:

  "cli":       `/usr/bin/aws sts get-caller-identity --output O [--query Q]`
               run for real, for an IAM user's and a role's credentials.
  "formatter": the same CLI's formatter classes (awscli.formatter, the code
               /usr/bin/aws runs) on made-up responses that STS cannot
               produce: nested objects and lists, strings YAML must quote,
               wide characters.

Each case: {"input": <response, key order kept>, "query", "output",
"stdout", "exit"}.
"""
import argparse
import io
import json
import os
import subprocess
import sys

sys.path.insert(0, "/usr/lib/python3/dist-packages")  # the Debian awscli
import jmespath  # noqa: E402
from awscli import formatter  # noqa: E402

OUTPUTS = ["json", "text", "table", "yaml", "yaml-stream"]
QUERIES = [
    None,
    "Account",
    "Arn",
    "UserId",
    "[Account, Arn]",
    "[Account]",
    "{Who: Arn, Acct: Account}",
    "{Z: Account, A: Arn}",
    "{a: Account, b: Nope}",
    "[Account, Nope]",
    "Nope",
    "length(Arn)",
    "contains(Arn, 'assumed-role')",
    "{A: Account, L: [Arn, UserId], N: {X: Account, Y: `1.5`}}",
    "[[Account, Arn], UserId]",
    "[{a: Account}, {a: Arn, b: UserId}]",
    "split",
    "{\"quoted key\": Account, plain: Arn}",
    "[?false]",
    "`{}`",
]


def aws(env, endpoint, output, query):
    args = ["/usr/bin/aws", "sts", "get-caller-identity", "--endpoint-url", endpoint, "--output", output]
    if query is not None:
        args += ["--query", query]
    p = subprocess.run(args, env=env, capture_output=True, text=True)
    return p.stdout, p.returncode


def cli_cases(endpoint, creds):
    cases = []
    for name, (key, secret, token) in creds.items():
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": os.environ.get("HOME", "/tmp"),
            "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_REGION": "eu-west-1",
            "AWS_PAGER": "",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        }
        if token:
            env["AWS_SESSION_TOKEN"] = token
        out, code = aws(env, endpoint, "json", None)
        ident = json.loads(out)
        for query in QUERIES:
            for output in OUTPUTS:
                out, code = aws(env, endpoint, output, query)
                cases.append({"identity": name, "input": ident, "query": query, "output": output,
                              "stdout": out, "exit": code})
    return cases


class Args:
    color = "off"

    def __init__(self, query):
        self.query = jmespath.compile(query) if query else None


def format_cases():
    ident = {"UserId": "AROAEXAMPLE:stscred-alice", "Account": "222222222222",
             "Arn": "arn:aws:sts::222222222222:assumed-role/Admin/stscred-alice"}
    strings = ["yes", "no", "on", "0777", "0o17", "1_000", "12", "1.5", "1e3", ".5", "1e",
               "2026-11-24T10:00:00Z", "2026-11-24", "1:30", "~", "", "null", "Null", "a: b", "a :b",
               "a #b", "a#b", "-x", "- x", "-", "?x", "? x", ":x", "x:", "foo\nbar", "é", "=", "<<",
               "true", "True", "tRue", "@x", "`x", "%x", "!x", "&x", "*x", "|x", ">x", "'x", "\"x",
               "[x", "]x", "{x", "}x", ",x", "x,y", "x[y]", " x", "x ", "x  y", "a\tb", "\x07bell",
               "word " * 30, "w" * 100, ".inf", "0x1F", "+1", "-1", "1.", "x\u0085y", "abc\u2028def",
               "#x", "x #", "x: ", "a'b", "a\"b", "\\", "---", "...x", "日本語", "Ωmega", "😀",
               "long words " * 12 + "end", "'quoted' and\nnewline"]
    inputs = [
        {"S": {str(i): s for i, s in enumerate(strings)}},
        {"L": strings},
        {"Nested": {"Deep": {"Deeper": ["a", {"k": "v", "n": None, "t": True, "f": 1.5, "i": 7}]}},
         "Empty": [], "EmptyObj": {}, "Top": "x"},
        {"Items": [{"Name": "a", "Size": 1, "Tags": [{"Key": "k1", "Value": "v1"}]},
                   {"Name": "b", "Size": 22, "Extra": "only here", "Tags": []},
                   {"Name": "c", "Size": 333}]},
        {"Lists": [["a", "b"], ["c", "d"]], "Mixed": ["x", ["y", "z"], {"k": "v"}]},
        {"Wide": "日本語のテキスト", "Narrow": "ascii", "Greek": "αβγ"},
        {"UserId": "AIDAEXAMPLE", "Account": "111111111111", "Arn": "arn:aws:iam::111111111111:user/alice",
         "Profile": "alice", "Source": "cache", "Expiration": "2026-11-24T21:00:00Z", "MinutesLeft": 700,
         "MFAAuthenticated": True},
        {"UserId": "x" * 70, "Account": "1", "Arn": "y"},
        ident,
    ]
    queries = [None, "Nested.Deep", "Items[].Name"]
    cases = []
    for data in inputs:
        for query in queries:
            for output in OUTPUTS:
                cls = formatter.get_formatter(output, Args(query))
                stream = io.StringIO()
                try:
                    cls("GetCallerIdentity", json.loads(json.dumps(data)), stream)
                except Exception:
                    continue  # the CLI crashes on this shape: nothing to match
                cases.append({"input": data, "query": query, "output": output,
                              "stdout": stream.getvalue(), "exit": 0})
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--user", nargs=2, required=True, metavar=("KEY", "SECRET"))
    ap.add_argument("--role", nargs=3, required=True, metavar=("KEY", "SECRET", "TOKEN"))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    creds = {"user": (a.user[0], a.user[1], None), "role": tuple(a.role)}
    version = subprocess.run(["/usr/bin/aws", "--version"], capture_output=True, text=True).stdout.strip()
    doc = {"aws_version": version, "cli": cli_cases(a.endpoint, creds), "formatter": format_cases()}
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
