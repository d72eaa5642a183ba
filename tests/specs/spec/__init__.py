"""The end-to-end spec runner for sbfn (tests/specs/run.py is its entry point).

Modules, one job each:
  cli               the command line, the summary line and exit codes
  case              one case run: temporary copy, steps in order, failure reports
  loading           case.json parsing, validation against case.schema.json, shorthand
  steps/            one function per step kind, registered in steps.STEPS
  matchers          expectations on responses, command output and server output
  server            starting/stopping sbfn, its captured output, the scrubbed environment
  http_client       a minimal HTTP/1.1 client that sees exact bytes and their timing
  websocket_client  a minimal RFC 6455 client
  values            built strings and raw bytes in case.json, printing values
  errors            CaseError (case.json is wrong) and StepFailure (sbfn is)
"""
