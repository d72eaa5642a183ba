// CloudFormation for tests/oracles/aws_endpoint.mjs: the query protocol's XML replies
// (namespace http://cloudformation.amazonaws.com/doc/2010-05-15/) for CreateStack,
// UpdateStack, DescribeStacks and DescribeStackEvents (newest first, paged three at a time).
// A stack operation advances one step per DescribeStacks call: the stack starts, each
// resource of the template starts and completes, the stack completes. A resource named in
// state.cloudformation.failResource (or failResource[stackName]) fails instead and the stack
// rolls back. As CloudFormation does, parameters must be declared by the template (and be one
// of its AllowedValues), NoEcho values read back as ****, and a stack's outputs are those of
// state.cloudformation.outputs its template declares.
const NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
const PAGE = 3;

export function handler(state, xmlError, xmlEscape) {
  const cfn = state.cloudformation ?? {};
  const stacks = {};  // name -> {id, status, reason, template, parameters, events (newest first), script, outputs}
  let clock = Date.UTC(2026, 0, 1);
  let eventCounter = 0;
  for (const [name, spec] of Object.entries(cfn.stacks ?? {})) {
    stacks[name] = { name, id: `arn:aws:cloudformation:${state.region}:${state.account}:stack/${name}/0`, status: spec.status,
      reason: "", template: spec.template ?? "{}", parameters: spec.parameters ?? {}, events: [], script: [], outputs: spec.outputs ?? {} };
    event(stacks[name], name, "AWS::CloudFormation::Stack", spec.status, "");
  }

  function event(stack, logicalId, type, status, reason) {
    clock += 1000;
    stack.events.unshift({ EventId: `ev-${++eventCounter}`, StackName: stack.name, LogicalResourceId: logicalId,
      ResourceType: type, Timestamp: new Date(clock).toISOString(), ResourceStatus: status, ResourceStatusReason: reason });
  }

  // Parameters compare by value, whatever order they were given in.
  function sameValues(a, b) {
    const keys = Object.keys(a ?? {});
    return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
  }

  function reply(res, operation, inner) {
    res.writeHead(200, { "content-type": "text/xml" });
    res.end(`<${operation}Response xmlns="${NS}"><${operation}Result>${inner}</${operation}Result>` +
      `<ResponseMetadata><RequestId>r-${eventCounter}</RequestId></ResponseMetadata></${operation}Response>`);
  }

  function members(form, prefix, fields) {
    const out = [];
    for (let n = 1; ; n++) {
      const item = {};
      let any = false;
      for (const field of fields) {
        const value = form.get(`${prefix}.member.${n}${field ? "." + field : ""}`);
        if (value !== null) { item[field || "value"] = value; any = true; }
      }
      if (!any) return out;
      out.push(item);
    }
  }

  // The steps of one create or update, run one per DescribeStacks call.
  function plan(stack, name, kind, resources) {
    const steps = [];
    const stackType = "AWS::CloudFormation::Stack";
    steps.push(() => { stack.status = `${kind}_IN_PROGRESS`; event(stack, name, stackType, stack.status, "User Initiated"); });
    for (const [logicalId, resource] of resources) {
      steps.push(() => event(stack, logicalId, resource.Type, `${kind}_IN_PROGRESS`, ""));
      const failing = typeof cfn.failResource === "object" ? cfn.failResource?.[name] : cfn.failResource;
      if (logicalId === failing) {
        const rollback = kind === "CREATE" ? "ROLLBACK" : "UPDATE_ROLLBACK";
        steps.push(() => {
          event(stack, logicalId, resource.Type, `${kind}_FAILED`, cfn.failReason ?? "Resource handler returned message: \"Invalid request\"");
          stack.status = `${rollback}_IN_PROGRESS`;
          stack.reason = `The following resource(s) failed to ${kind.toLowerCase()}: [${logicalId}]. Rollback requested by user.`;
          event(stack, name, stackType, stack.status, stack.reason);
        });
        steps.push(() => {
          for (const [other, r] of resources) event(stack, other, r.Type, kind === "CREATE" ? "DELETE_COMPLETE" : "UPDATE_COMPLETE", "");
          stack.status = `${rollback}_COMPLETE`;
          stack.reason = "";
          event(stack, name, stackType, stack.status, "");
        });
        stack.script = steps;
        return;
      }
      steps.push(() => event(stack, logicalId, resource.Type, `${kind}_COMPLETE`, ""));
    }
    if (kind === "UPDATE") {
      steps.push(() => { stack.status = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"; event(stack, name, stackType, stack.status, ""); });
    }
    steps.push(() => {
      stack.status = `${kind}_COMPLETE`;
      const declared = JSON.parse(stack.template).Outputs ?? {};
      stack.outputs = Object.fromEntries(Object.entries(cfn.outputs ?? {}).filter(([k]) => k in declared));
      event(stack, name, stackType, stack.status, "");
    });
    stack.script = steps;
  }

  function parseTemplate(res, body) {
    try {
      const template = JSON.parse(body ?? "");
      if (typeof template.Resources !== "object" || Object.keys(template.Resources).length === 0) throw new Error();
      return template;
    } catch {
      xmlError(res, 400, "ValidationError", "Template format error: JSON not well-formed or no Resources", NS);
      return null;
    }
  }

  return (res, operation, form) => {
    const name = form.get("StackName");
    const stack = stacks[name];
    switch (operation) {
      case "CreateStack":
      case "UpdateStack": {
        const create = operation === "CreateStack";
        if (create && stack && stack.status !== "DELETE_COMPLETE") {
          return xmlError(res, 400, "AlreadyExistsException", `Stack [${name}] already exists`, NS);
        }
        if (!create && !stack) {
          return xmlError(res, 400, "ValidationError", `Stack [${name}] does not exist`, NS);
        }
        const template = parseTemplate(res, form.get("TemplateBody"));
        if (!template) return;
        const capabilities = members(form, "Capabilities", [""]).map((m) => m.value);
        const needsIam = Object.values(template.Resources).some((r) => r.Type?.startsWith("AWS::IAM::"));
        if (needsIam && !capabilities.includes("CAPABILITY_IAM") && !capabilities.includes("CAPABILITY_NAMED_IAM")) {
          return xmlError(res, 400, "InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_IAM]", NS);
        }
        const parameters = {};
        for (const p of members(form, "Parameters", ["ParameterKey", "ParameterValue", "UsePreviousValue"])) {
          if (!p.ParameterKey) return xmlError(res, 400, "ValidationError", "ParameterKey is required", NS);
          if (p.UsePreviousValue === "true") {
            if (create) return xmlError(res, 400, "ValidationError", "UsePreviousValue is not allowed on create", NS);
            parameters[p.ParameterKey] = stack.parameters[p.ParameterKey];
          } else {
            parameters[p.ParameterKey] = p.ParameterValue ?? "";
          }
        }
        const undeclared = Object.keys(parameters).filter((key) => !(key in (template.Parameters ?? {})));
        if (undeclared.length) {
          return xmlError(res, 400, "ValidationError", `Parameters: [${undeclared.join(", ")}] do not exist in the template`, NS);
        }
        for (const [key, value] of Object.entries(parameters)) {
          const allowed = template.Parameters[key].AllowedValues;
          if (allowed && !allowed.includes(value)) {
            return xmlError(res, 400, "ValidationError", `Parameter '${key}' must be one of AllowedValues`, NS);
          }
        }
        for (const key of Object.keys(template.Parameters ?? {})) {
          if (!(key in parameters) && template.Parameters[key].Default === undefined) {
            return xmlError(res, 400, "ValidationError", `Parameters: [${key}] must have values`, NS);
          }
        }
        const target = stack ?? (stacks[name] = { id: `arn:aws:cloudformation:${state.region}:${state.account}:stack/${name}/${eventCounter + 1}`, events: [], outputs: {} });
        target.name = name;
        if (!create && target.template === form.get("TemplateBody") && sameValues(target.parameters, parameters)) {
          return xmlError(res, 400, "ValidationError", "No updates are to be performed.", NS);
        }
        target.template = form.get("TemplateBody");
        target.parameters = parameters;
        target.tags = members(form, "Tags", ["Key", "Value"]);
        plan(target, name, create ? "CREATE" : "UPDATE", Object.entries(template.Resources));
        target.script.shift()();  // the operation starts at once
        return reply(res, operation, `<StackId>${target.id}</StackId>`);
      }
      case "DescribeStacks": {
        if (!stack) return xmlError(res, 400, "ValidationError", `Stack with id ${name} does not exist`, NS);
        if (stack.script.length) stack.script.shift()();
        const declaredParameters = JSON.parse(stack.template).Parameters ?? {};
        const parameters = Object.entries(stack.parameters).map(([k, v]) =>
          `<member><ParameterKey>${k}</ParameterKey><ParameterValue>${declaredParameters[k]?.NoEcho ? "****" : xmlEscape(v)}</ParameterValue></member>`).join("");
        const outputs = Object.entries(stack.outputs).map(([k, v]) =>
          `<member><OutputKey>${k}</OutputKey><OutputValue>${xmlEscape(v)}</OutputValue><Description>${k}</Description></member>`).join("");
        return reply(res, operation, `<Stacks><member><StackName>${name}</StackName><StackId>${stack.id}</StackId>` +
          `<CreationTime>2026-01-01T00:00:00.000Z</CreationTime><StackStatus>${stack.status}</StackStatus>` +
          (stack.reason ? `<StackStatusReason>${xmlEscape(stack.reason)}</StackStatusReason>` : "") +
          `<Parameters>${parameters}</Parameters><Outputs>${outputs}</Outputs></member></Stacks>`);
      }
      case "DescribeStackEvents": {
        if (!stack) return xmlError(res, 400, "ValidationError", `Stack [${name}] does not exist`, NS);
        const start = Number(form.get("NextToken") ?? 0);
        const page = stack.events.slice(start, start + PAGE);
        const next = start + PAGE < stack.events.length ? `<NextToken>${start + PAGE}</NextToken>` : "";
        const items = page.map((e) => "<member>" + Object.entries({ ...e, StackId: stack.id, PhysicalResourceId: e.LogicalResourceId })
          .filter(([, v]) => v !== "").map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`).join("") + "</member>").join("");
        return reply(res, operation, `<StackEvents>${items}</StackEvents>${next}`);
      }
    }
    return xmlError(res, 400, "InvalidAction", `Could not find operation ${operation}`, NS);
  };
}
