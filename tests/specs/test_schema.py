#!/usr/bin/env python3
"""Self-check of case.schema.json (CTest: specs.schema): every case in the tree is valid,
and typical mistakes in a case are caught with the JSON path of the mistake."""

import glob
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from spec.loading import require_jsonschema, schema_errors  # noqa: E402

require_jsonschema()


class SchemaTest(unittest.TestCase):
    def test_every_case_is_valid(self):
        paths = sorted(glob.glob(os.path.join(HERE, "*", "*", "case.json")))
        self.assertTrue(paths, "no case.json found")
        for path in paths:
            with self.subTest(case=os.path.relpath(path, HERE)):
                with open(path, encoding="utf-8") as f:
                    self.assertEqual(schema_errors(json.load(f)), [])

    def assertRejected(self, case, path, words):
        errors = schema_errors(case)
        self.assertTrue(any(e.startswith(path + ":") and words in e for e in errors),
                        "expected an error at %s mentioning %r, got %s" % (path, words, errors))

    def test_misspelled_request_field(self):
        self.assertRejected({"steps": [{"request": {"methd": "POST", "path": "/"}}]},
                            "$.steps[0].request", "'methd' was unexpected")

    def test_misspelled_expectation(self):
        self.assertRejected({"steps": [{"request": "/", "expect": {"staus": 200}}]},
                            "$.steps[0].expect", "'staus' was unexpected")

    def test_misspelled_run_expectation(self):
        self.assertRejected({"steps": [{"run": {"args": []},
                                        "expect": {"stdout_contain": "x"}}]},
                            "$.steps[0].expect", "'stdout_contain' was unexpected")

    def test_misspelled_step_kind(self):
        self.assertRejected({"steps": [{"reqest": {"path": "/"}}]},
                            "$.steps[0]", "'reqest' was unexpected")

    def test_misspelled_top_level_key(self):
        self.assertRejected({"stpes": []}, "$", "'stpes' was unexpected")

    def test_step_without_action(self):
        self.assertRejected({"steps": [{"note": "nothing to do"}]}, "$.steps[0]",
                            "exactly one action")

    def test_expect_on_a_step_that_takes_none(self):
        self.assertRejected({"steps": [{"sleep_ms": 10, "expect": {"status": 200}}]},
                            "$.steps[0]", "")

    def test_misspelled_websocket_exchange_field(self):
        self.assertRejected({"steps": [{"websocket": {"path": "/", "exchange": [
            {"send_txt": "hi"}]}}]}, "$.steps[0].websocket.exchange[0]",
            "'send_txt' was unexpected")

    def test_needs_public_npm_is_a_boolean(self):
        self.assertEqual(schema_errors({"needs_public_npm": True, "steps": []}), [])
        self.assertRejected({"needs_public_npm": "yes", "steps": []}, "$.needs_public_npm",
                            "is not of type 'boolean'")

    def test_misspelled_upstream_route_field(self):
        self.assertEqual(schema_errors({"upstreams": {"pg": {"routes": [
            {"method": "GET", "path": "/rest/v1/t", "json": []}]}}, "steps": []}), [])
        self.assertRejected({"upstreams": {"pg": {"routes": [{"path": "/", "stauts": 200}]}},
                             "steps": []}, "$.upstreams.pg.routes[0]",
                            "'stauts' was unexpected")

    def test_upstream_route_path_has_no_query(self):
        self.assertRejected({"upstreams": {"pg": {"routes": [{"path": "/t?a=1"}]}},
                             "steps": []}, "$.upstreams.pg.routes[0].path", "does not match")

    def test_upstream_log_names_its_upstream(self):
        self.assertRejected({"steps": [{"upstream_log": {"count": 1}}]},
                            "$.steps[0].upstream_log", "'upstream' is a required property")

    def test_misspelled_upstream_request_expectation(self):
        self.assertRejected({"steps": [{"upstream_log": {"upstream": "pg", "requests": [
            {"methd": "GET"}]}}]}, "$.steps[0].upstream_log.requests[0]",
            "'methd' was unexpected")

    def test_request_shorthand(self):
        self.assertEqual(schema_errors({"steps": [{"request": "POST /functions/v1/x"}]}), [])
        self.assertRejected({"steps": [{"request": "POST functions/v1/x"}]},
                            "$.steps[0].request", "")


if __name__ == "__main__":
    unittest.main()
