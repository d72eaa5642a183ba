#!/usr/bin/env python3
"""`sbfn deploy --emit cloudformation|kubernetes`, checked by oracles that know nothing of sbfn.

Usage: test_emit.py SBFN CASE (cloudformation | kubernetes).

cloudformation: the template is checked against facts of AWS's published CloudFormation
resource specification, stated below for each resource type it uses (required properties,
the allowed property names, nested types, the attributes Fn::GetAtt may read); every Ref,
Fn::GetAtt, Fn::Sub variable and condition must name something declared; the ECS guide's
parameters.json (its every name) must be accepted. The checker is shown to fail on a
template missing a required property, an unknown property and a dangling Ref.

kubernetes: the manifests are validated with `kubernetes-models` (the Kubernetes OpenAPI
schemas) by tests/oracles/validate_k8s.mjs, parsed by a second YAML parser (PyYAML) to the
same objects, the Secret decodes to the env file; a manifest missing a required field fails.
"""

import base64
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

SBFN = sys.argv[1]
ORACLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracles")
IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fns:v3"


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def sbfn(*args, cwd=None, env=None):
    return subprocess.run([SBFN, "deploy", *args], capture_output=True, text=True, timeout=60,
                          cwd=cwd, env=dict(os.environ, NO_COLOR="1", **(env or {})))


# --- AWS CloudFormation resource specification (us-east-1 CloudFormationResourceSpecification
# and the registry schemas of the same types), as facts: for each type its required
# properties, the property names it allows, the nested property types we use and their
# own facts, and the attributes Fn::GetAtt may read. -----------------------------------

def props(required, allowed, nested=None):
    return {"required": set(required), "allowed": set(allowed) | set(required),
            "nested": nested or {}}


SG_INGRESS = props(["IpProtocol"], ["CidrIp", "CidrIpv6", "Description", "FromPort",
                                    "SourcePrefixListId", "SourceSecurityGroupId",
                                    "SourceSecurityGroupName", "SourceSecurityGroupOwnerId",
                                    "ToPort"])
LB_ACTION = props(["Type"], ["AuthenticateCognitoConfig", "AuthenticateOidcConfig",
                             "FixedResponseConfig", "ForwardConfig", "Order", "RedirectConfig",
                             "TargetGroupArn"])
CONTAINER = props(["Name", "Image"], [
    "Command", "Cpu", "CredentialSpecs", "DependsOn", "DisableNetworking", "DnsSearchDomains",
    "DnsServers", "DockerLabels", "DockerSecurityOptions", "EntryPoint", "Environment",
    "EnvironmentFiles", "Essential", "ExtraHosts", "FirelensConfiguration", "HealthCheck",
    "Hostname", "Interactive", "Links", "LinuxParameters", "LogConfiguration", "Memory",
    "MemoryReservation", "MountPoints", "PortMappings", "Privileged", "PseudoTerminal",
    "ReadonlyRootFilesystem", "RepositoryCredentials", "ResourceRequirements", "RestartPolicy",
    "Secrets", "StartTimeout", "StopTimeout", "SystemControls", "Ulimits", "User",
    "VersionConsistency", "VolumesFrom", "WorkingDirectory"], {
        "PortMappings": props([], ["AppProtocol", "ContainerPort", "ContainerPortRange",
                                   "HostPort", "Name", "Protocol"]),
        "Environment": props([], ["Name", "Value"]),
        "Secrets": props(["Name", "ValueFrom"], []),
        "LogConfiguration": props(["LogDriver"], ["Options", "SecretOptions"]),
        "HealthCheck": props([], ["Command", "Interval", "Retries", "StartPeriod", "Timeout"]),
    })

SPEC = {
    "AWS::ECS::Cluster": (props([], [
        "CapacityProviders", "ClusterName", "ClusterSettings", "Configuration",
        "DefaultCapacityProviderStrategy", "ServiceConnectDefaults", "Tags"]), {"Arn"}),
    "AWS::Logs::LogGroup": (props([], [
        "DataProtectionPolicy", "FieldIndexPolicies", "KmsKeyId", "LogGroupClass",
        "LogGroupName", "RetentionInDays", "Tags"]), {"Arn"}),
    "AWS::SecretsManager::Secret": (props([], [
        "Description", "GenerateSecretString", "KmsKeyId", "Name", "ReplicaRegions",
        "SecretString", "Tags"]), {"Id"}),
    "AWS::IAM::Role": (props(["AssumeRolePolicyDocument"], [
        "Description", "ManagedPolicyArns", "MaxSessionDuration", "Path",
        "PermissionsBoundary", "Policies", "RoleName", "Tags"], {
            "Policies": props(["PolicyDocument", "PolicyName"], []),
        }), {"Arn", "RoleId"}),
    "AWS::EC2::SecurityGroup": (props(["GroupDescription"], [
        "GroupName", "SecurityGroupEgress", "SecurityGroupIngress", "Tags", "VpcId"], {
            "SecurityGroupIngress": SG_INGRESS,
        }), {"GroupId", "VpcId"}),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": (props([], [
        "EnablePrefixForIpv6SourceNat", "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic",
        "IpAddressType", "Ipv4IpamPoolId", "LoadBalancerAttributes",
        "MinimumLoadBalancerCapacity", "Name", "Scheme", "SecurityGroups", "SubnetMappings",
        "Subnets", "Tags", "Type"]), {
            "CanonicalHostedZoneID", "DNSName", "LoadBalancerArn", "LoadBalancerFullName",
            "LoadBalancerName", "SecurityGroups"}),
    "AWS::ElasticLoadBalancingV2::TargetGroup": (props([], [
        "HealthCheckEnabled", "HealthCheckIntervalSeconds", "HealthCheckPath",
        "HealthCheckPort", "HealthCheckProtocol", "HealthCheckTimeoutSeconds",
        "HealthyThresholdCount", "IpAddressType", "Matcher", "Name", "Port", "Protocol",
        "ProtocolVersion", "Tags", "TargetGroupAttributes", "TargetType", "Targets",
        "UnhealthyThresholdCount", "VpcId"], {
            "Matcher": props([], ["GrpcCode", "HttpCode"]),
            "TargetGroupAttributes": props([], ["Key", "Value"]),
        }), {"LoadBalancerArns", "TargetGroupArn", "TargetGroupFullName", "TargetGroupName"}),
    "AWS::ElasticLoadBalancingV2::Listener": (props(["DefaultActions", "LoadBalancerArn"], [
        "AlpnPolicy", "Certificates", "ListenerAttributes", "MutualAuthentication", "Port",
        "Protocol", "SslPolicy"], {
            "DefaultActions": LB_ACTION,
            "Certificates": props([], ["CertificateArn"]),
        }), {"ListenerArn"}),
    "AWS::ECS::TaskDefinition": (props([], [
        "ContainerDefinitions", "Cpu", "EnableFaultInjection", "EphemeralStorage",
        "ExecutionRoleArn", "Family", "InferenceAccelerators", "IpcMode", "Memory",
        "NetworkMode", "PidMode", "PlacementConstraints", "ProxyConfiguration",
        "RequiresCompatibilities", "RuntimePlatform", "Tags", "TaskRoleArn", "Volumes"], {
            "ContainerDefinitions": CONTAINER,
            "RuntimePlatform": props([], ["CpuArchitecture", "OperatingSystemFamily"]),
        }), {"TaskDefinitionArn"}),
    "AWS::ECS::Service": (props([], [
        "AvailabilityZoneRebalancing", "CapacityProviderStrategy", "Cluster",
        "DeploymentConfiguration", "DeploymentController", "DesiredCount",
        "EnableECSManagedTags", "EnableExecuteCommand", "HealthCheckGracePeriodSeconds",
        "LaunchType", "LoadBalancers", "NetworkConfiguration", "PlacementConstraints",
        "PlacementStrategies", "PlatformVersion", "PropagateTags", "Role",
        "SchedulingStrategy", "ServiceConnectConfiguration", "ServiceName",
        "ServiceRegistries", "Tags", "TaskDefinition", "VolumeConfigurations",
        "VpcLatticeConfigurations"], {
            "DeploymentConfiguration": props([], [
                "Alarms", "BakeTimeInMinutes", "DeploymentCircuitBreaker", "LifecycleHooks",
                "MaximumPercent", "MinimumHealthyPercent", "Strategy"], {
                    "DeploymentCircuitBreaker": props(["Enable", "Rollback"], []),
                }),
            "NetworkConfiguration": props([], ["AwsvpcConfiguration"], {
                "AwsvpcConfiguration": props([], ["AssignPublicIp", "SecurityGroups", "Subnets"]),
            }),
            "LoadBalancers": props([], ["ContainerName", "ContainerPort", "LoadBalancerName",
                                        "TargetGroupArn"]),
        }), {"Name", "ServiceArn"}),
    "AWS::ApplicationAutoScaling::ScalableTarget": (props(
        ["MaxCapacity", "MinCapacity", "ResourceId", "ScalableDimension", "ServiceNamespace"],
        ["RoleARN", "ScheduledActions", "SuspendedState"]), {"Id"}),
    "AWS::ApplicationAutoScaling::ScalingPolicy": (props(["PolicyName", "PolicyType"], [
        "PredictiveScalingPolicyConfiguration", "ResourceId", "ScalableDimension",
        "ScalingTargetId", "ServiceNamespace", "StepScalingPolicyConfiguration",
        "TargetTrackingScalingPolicyConfiguration"], {
            "TargetTrackingScalingPolicyConfiguration": props(["TargetValue"], [
                "CustomizedMetricSpecification", "DisableScaleIn",
                "PredefinedMetricSpecification", "ScaleInCooldown", "ScaleOutCooldown"], {
                    "PredefinedMetricSpecification": props(["PredefinedMetricType"],
                                                           ["ResourceLabel"]),
                }),
        }), {"Arn"}),
}
RESOURCE_KEYS = {"Type", "Properties", "DependsOn", "Condition", "Metadata", "DeletionPolicy",
                 "UpdateReplacePolicy", "CreationPolicy", "UpdatePolicy"}
PSEUDO = {"AWS::AccountId", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId",
          "AWS::StackName", "AWS::URLSuffix", "AWS::NotificationARNs"}
PARAMETER_TYPES = {"String", "Number", "List<Number>", "CommaDelimitedList",
                   "AWS::EC2::VPC::Id", "List<AWS::EC2::Subnet::Id>", "AWS::EC2::Subnet::Id"}
INTRINSIC = {"Ref", "Fn::GetAtt", "Fn::Sub", "Fn::If", "Fn::Join", "Fn::Select", "Fn::Split",
             "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Fn::GetAZs", "Fn::Base64",
             "Fn::ImportValue", "Fn::FindInMap", "Fn::Cidr", "Condition"}


def is_intrinsic(value):
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in INTRINSIC


def check_properties(where, value, facts, errors):
    if is_intrinsic(value):
        return  # resolved by CloudFormation
    if isinstance(value, list):
        for i, item in enumerate(value):
            check_properties("%s[%d]" % (where, i), item, facts, errors)
        return
    if not isinstance(value, dict):
        errors.append("%s: expected an object" % where)
        return
    for name in sorted(facts["required"] - set(value)):
        errors.append("%s: required property %s is missing" % (where, name))
    for name in sorted(set(value) - facts["allowed"]):
        errors.append("%s: %s is not a property of this type" % (where, name))
    for name, nested in facts["nested"].items():
        if name in value:
            check_properties("%s.%s" % (where, name), value[name], nested, errors)


def check_template(template):
    """Every error in `template` against the facts above, as a list of strings."""
    errors = []
    parameters = template.get("Parameters", {})
    resources = template.get("Resources", {})
    conditions = template.get("Conditions", {})
    for name, parameter in parameters.items():
        if parameter.get("Type") not in PARAMETER_TYPES:
            errors.append("parameter %s: type %s" % (name, parameter.get("Type")))
    for name, resource in resources.items():
        kind = resource.get("Type")
        if kind not in SPEC:
            errors.append("%s: resource type %s is not one this test knows" % (name, kind))
            continue
        for key in sorted(set(resource) - RESOURCE_KEYS):
            errors.append("%s: %s is not a resource attribute" % (name, key))
        check_properties(name, resource.get("Properties", {}), SPEC[kind][0], errors)
        if "Condition" in resource and resource["Condition"] not in conditions:
            errors.append("%s: condition %s is not declared" % (name, resource["Condition"]))
        for dependency in [resource.get("DependsOn")] if isinstance(resource.get("DependsOn"), str) else resource.get("DependsOn", []):
            if dependency not in resources:
                errors.append("%s: DependsOn %s is not a resource" % (name, dependency))
            elif "Condition" in resources[dependency]:
                errors.append("%s: DependsOn %s, which may not exist" % (name, dependency))

    def walk(where, value):
        if isinstance(value, list):
            for item in value:
                walk(where, item)
            return
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            if key == "Ref":
                if item not in parameters and item not in resources and item not in PSEUDO:
                    errors.append("%s: Ref %s names nothing declared" % (where, item))
            elif key == "Fn::GetAtt":
                resource, attribute = item if isinstance(item, list) else item.split(".", 1)
                if resource not in resources:
                    errors.append("%s: Fn::GetAtt %s names no resource" % (where, resource))
                elif attribute not in SPEC.get(resources[resource]["Type"], (None, set()))[1]:
                    errors.append("%s: %s has no attribute %s" % (where, resource, attribute))
            elif key == "Fn::Sub":
                text = item if isinstance(item, str) else item[0]
                for variable in re.findall(r"\$\{([^!}][^}]*)\}", text):
                    base, _, attribute = variable.partition(".")
                    if attribute:
                        if base not in resources or attribute not in SPEC[resources[base]["Type"]][1]:
                            errors.append("%s: Fn::Sub ${%s} reads no attribute" % (where, variable))
                    elif base not in parameters and base not in resources and base not in PSEUDO:
                        errors.append("%s: Fn::Sub ${%s} names nothing declared" % (where, variable))
            elif key in ("Fn::If",):
                if item[0] not in conditions:
                    errors.append("%s: Fn::If on undeclared condition %s" % (where, item[0]))
            elif key == "Condition" and isinstance(item, str) and where.startswith("Conditions"):
                if item not in conditions:
                    errors.append("%s: condition %s is not declared" % (where, item))
            walk(where, item)

    for section in ("Conditions", "Resources", "Outputs"):
        for name, value in template.get(section, {}).items():
            walk("%s.%s" % (section, name), value)
    return errors


# The ECS guide's parameters.json, every name (its values are placeholders).
GUIDE_PARAMETERS = [
    {"ParameterKey": "ProjectName", "ParameterValue": "supabase-edge-runtime"},
    {"ParameterKey": "Environment", "ParameterValue": "production"},
    {"ParameterKey": "ContainerPort", "ParameterValue": "9000"},
    {"ParameterKey": "DesiredCount", "ParameterValue": "2"},
    {"ParameterKey": "CPU", "ParameterValue": "512"},
    {"ParameterKey": "Memory", "ParameterValue": "1024"},
    {"ParameterKey": "JWTSecret", "ParameterValue": "REPLACE_WITH_YOUR_JWT_SECRET"},
    {"ParameterKey": "AnonKey", "ParameterValue": "REPLACE_WITH_YOUR_ANON_KEY"},
    {"ParameterKey": "ServiceRoleKey", "ParameterValue": "REPLACE_WITH_YOUR_SERVICE_ROLE_KEY"},
    {"ParameterKey": "RequireAuth", "ParameterValue": "true"},
]


def accepts(template, parameter_list):
    """What CloudFormation says of these parameter values: unknown names, disallowed values."""
    errors = []
    for entry in parameter_list:
        declared = template["Parameters"].get(entry["ParameterKey"])
        if declared is None:
            errors.append("Parameters: [%s] do not exist in the template" % entry["ParameterKey"])
            continue
        allowed = declared.get("AllowedValues")
        if allowed and entry["ParameterValue"] not in allowed:
            errors.append("%s: %s not allowed" % (entry["ParameterKey"], entry["ParameterValue"]))
        if declared["Type"] == "Number" and not re.fullmatch(r"-?\d+(\.\d+)?", entry["ParameterValue"]):
            errors.append("%s: not a number" % entry["ParameterKey"])
    return errors


def case_cloudformation(scratch):
    out = os.path.join(scratch, "stack.json")
    run = sbfn("--emit", "cloudformation", "--image", IMAGE, "-o", out, cwd=scratch)
    check(run.returncode == 0, "--emit cloudformation -o failed: %s" % run.stderr)
    check("CAPABILITY_IAM" in run.stdout, "the report says what deploying needs: %s" % run.stdout)
    with open(out) as f:
        template = json.load(f)
    stdout = sbfn("--emit", "cloudformation", "--image", IMAGE, cwd=scratch)
    check(stdout.returncode == 0 and json.loads(stdout.stdout) == template,
          "stdout holds the same template as -o")

    errors = check_template(template)
    check(not errors, "the template breaks the resource specification:\n  " + "\n  ".join(errors))
    types = {r["Type"] for r in template["Resources"].values()}
    for needed in ("AWS::ECS::Service", "AWS::ElasticLoadBalancingV2::LoadBalancer",
                   "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::Logs::LogGroup",
                   "AWS::ApplicationAutoScaling::ScalableTarget",
                   "AWS::ApplicationAutoScaling::ScalingPolicy", "AWS::SecretsManager::Secret",
                   "AWS::IAM::Role"):
        check(needed in types, "the template has a %s" % needed)
    check(len(json.dumps(template, separators=(",", ":"))) < 51200,
          "small enough for TemplateBody (51,200 bytes)")
    resources = template["Resources"]
    group = next(r for r in resources.values() if r["Type"].endswith("::TargetGroup"))
    check(group["Properties"]["HealthCheckPath"] == "/health", "health check on /health")
    check(group["Properties"]["TargetType"] == "ip", "awsvpc tasks register by IP")
    policy = next(r for r in resources.values() if r["Type"].endswith("::ScalingPolicy"))
    tracking = policy["Properties"]["TargetTrackingScalingPolicyConfiguration"]
    check(tracking["PredefinedMetricSpecification"]["PredefinedMetricType"]
          == "ECSServiceAverageCPUUtilization", "target tracking on CPU")
    task = next(r for r in resources.values() if r["Type"] == "AWS::ECS::TaskDefinition")
    container = task["Properties"]["ContainerDefinitions"][0]
    check(container["Image"] == {"Ref": "ImageUri"}, "the image is the ImageUri parameter")
    check(template["Parameters"]["ImageUri"]["Default"] == IMAGE, "--image is its default")
    check(container["LogConfiguration"]["LogDriver"] == "awslogs", "logs go to the log group")
    check({s["Name"] for s in container["Secrets"]} >= {"JWT_SECRET"}, "secrets as env vars")
    check(template["Parameters"]["ContainerPort"]["Default"] == 8000, "the image's port")
    listeners = [r for r in resources.values() if r["Type"].endswith("::Listener")]
    check(sorted(l["Properties"]["Protocol"] for l in listeners) == ["HTTP", "HTTPS"]
          and any(l.get("Condition") == "HasCertificate" for l in listeners),
          "HTTP always, HTTPS when a certificate is given")
    check("LoadBalancerURL" in template["Outputs"], "the URL is an output")
    for name in ("ProjectName", "Environment", "DesiredCount", "CPU", "Memory", "JWTSecret",
                 "AnonKey", "ServiceRoleKey", "RequireAuth", "VpcId", "Subnets",
                 "CertificateArn"):
        check(name in template["Parameters"], "parameter %s" % name)
    for secret in ("JWTSecret", "AnonKey", "ServiceRoleKey"):
        check(template["Parameters"][secret].get("NoEcho") is True, "%s is NoEcho" % secret)
    errors = accepts(template, GUIDE_PARAMETERS)
    check(not errors, "the ECS guide's parameters.json is accepted: %s" % errors)
    check(accepts(template, [{"ParameterKey": "VpcCidr", "ParameterValue": "x"}]),
          "an unknown parameter is refused (the acceptance check can fail)")

    # The checker can fail: a missing required property, an unknown one, a dangling Ref.
    broken = copy.deepcopy(template)
    listener = next(r for r in broken["Resources"].values() if r["Type"].endswith("::Listener"))
    del listener["Properties"]["DefaultActions"]
    check(any("DefaultActions is missing" in e for e in check_template(broken)),
          "a missing required property is caught")
    broken = copy.deepcopy(template)
    broken["Resources"]["LoadBalancer"]["Properties"]["HealthCheckPath"] = "/health"
    check(any("HealthCheckPath is not a property" in e for e in check_template(broken)),
          "a property of another type is caught")
    broken = copy.deepcopy(template)
    broken["Resources"]["TaskDefinition"]["Properties"]["ExecutionRoleArn"] = {
        "Fn::GetAtt": ["Missing", "Arn"]}
    broken["Outputs"]["X"] = {"Value": {"Fn::Sub": "${Nope}"}}
    errors = check_template(broken)
    check(any("Missing" in e for e in errors) and any("Nope" in e for e in errors),
          "dangling references are caught: %s" % errors)

    # Without --image the image is a parameter the stack must be given.
    bare = sbfn("--emit", "cloudformation", cwd=scratch)
    check(bare.returncode == 0 and "Default" not in json.loads(bare.stdout)["Parameters"]["ImageUri"],
          "no --image: ImageUri has no default")
    report = sbfn("--emit", "cloudformation", "--output", "json", "-o", out, "--dry-run",
                  cwd=scratch)
    doc = json.loads(report.stdout)
    check(report.returncode == 0 and doc["dry_run"] and doc["capabilities"] == ["CAPABILITY_IAM"]
          and doc["resources"]["Service"] == "AWS::ECS::Service", report.stdout)


def validate_k8s(path):
    run = subprocess.run(["node", os.path.join(ORACLES, "validate_k8s.mjs"), path],
                         capture_output=True, text=True, timeout=60, cwd=ORACLES)
    return run.returncode, json.loads(run.stdout) if run.stdout.strip() else {"errors": [run.stderr]}


def case_kubernetes(scratch):
    if not os.path.isdir(os.path.join(ORACLES, "node_modules", "kubernetes-models")):
        run = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                             cwd=ORACLES, capture_output=True, text=True)
        check(run.returncode == 0, "npm ci in tests/oracles failed: " + run.stderr)
    env_file = os.path.join(scratch, "prod.env")
    with open(env_file, "w") as f:
        f.write('STRIPE_KEY=sk_live_123\nGREETING="yes: # not a comment"\nPORTS=8000\n')
    out = os.path.join(scratch, "k8s.yaml")
    run = sbfn("--emit", "kubernetes", "--image", "ghcr.io/acme/Edge-Fns:v3".lower(),
               "--env-file", env_file, "--ingress-host", "fns.example.com", "-o", out,
               cwd=scratch)
    check(run.returncode == 0, "--emit kubernetes failed: %s" % run.stderr)
    status, report = validate_k8s(out)
    check(status == 0, "kubernetes-models rejects the manifests: %s" % report)
    check(report["objects"] == ["Secret/edge-fns-env", "ConfigMap/edge-fns-env-names",
                                "Deployment/edge-fns", "Service/edge-fns",
                                "HorizontalPodAutoscaler/edge-fns", "Ingress/edge-fns"],
          report["objects"])
    with open(out) as f:
        text = f.read()
    # A second, independent parser (PyYAML, YAML 1.1 rules) reads the same objects.
    objects = [o for o in yaml.safe_load_all(text) if o is not None]
    node = subprocess.run(["node", "-e", "import('yaml').then(y=>console.log(JSON.stringify("
                           "y.parseAllDocuments(require('fs').readFileSync(process.argv[1],'utf8'))"
                           ".map(d=>d.toJS()).filter(Boolean))))", out],
                          capture_output=True, text=True, cwd=ORACLES)
    check(json.loads(node.stdout) == objects, "PyYAML and npm yaml read the same objects")
    secret = objects[0]
    decoded = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    check(decoded == {"STRIPE_KEY": "sk_live_123", "GREETING": "yes: # not a comment",
                      "PORTS": "8000"}, "the Secret holds the env file: %s" % decoded)
    deployment = objects[2]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    check(container["image"] == "ghcr.io/acme/edge-fns:v3", container["image"])
    check(container["readinessProbe"]["httpGet"]["path"] == "/health"
          and container["livenessProbe"]["httpGet"]["path"] == "/health", "probes on /health")
    check(container["ports"][0]["containerPort"] == 8000, "port 8000")
    check(container["resources"]["requests"]["cpu"] and container["resources"]["limits"]["memory"],
          "requests and limits")
    check(objects[1]["data"]["functions.env"] == "STRIPE_KEY=${STRIPE_KEY}\nGREETING=${GREETING}\n"
          "PORTS=${PORTS}\n", "the env file's names, expanded by sbfn serve from the Secret")
    check(objects[4]["apiVersion"] == "autoscaling/v2", "HPA v2")

    # The validator fails on a manifest missing a required field.
    for mutate, expected in ((lambda o: o[2]["spec"].pop("selector"), "selector"),
                             (lambda o: o[4]["spec"].pop("maxReplicas"), "maxReplicas"),
                             (lambda o: o[5]["spec"]["rules"][0]["http"]["paths"][0].pop("pathType"),
                              "pathType")):
        broken = copy.deepcopy(objects)
        mutate(broken)
        path = os.path.join(scratch, "broken.yaml")
        with open(path, "w") as f:
            yaml.safe_dump_all(broken, f)
        status, report = validate_k8s(path)
        check(status == 1 and any(expected in e for e in report["errors"]),
              "a manifest without %s is refused: %s" % (expected, report))

    # Without an env file or ingress host: no Secret, no Ingress; stdout when no -o.
    plain = sbfn("--emit", "kubernetes", "--image", "127.0.0.1:5000/fns:v1", cwd=scratch)
    check(plain.returncode == 0, plain.stderr)
    kinds = [o["kind"] for o in yaml.safe_load_all(plain.stdout) if o]
    check(kinds == ["Deployment", "Service", "HorizontalPodAutoscaler"], kinds)
    path = os.path.join(scratch, "plain.yaml")
    with open(path, "w") as f:
        f.write(plain.stdout)
    check(validate_k8s(path)[0] == 0, "the plain manifests validate too")
    via_env = sbfn("--emit", "kubernetes", "--output", "json", cwd=scratch,
                   env={"SBFN_DEPLOY_IMAGE": "127.0.0.1:5000/fns:v1"})
    doc = json.loads(via_env.stdout)
    check(via_env.returncode == 0 and doc["image"] == "127.0.0.1:5000/fns:v1"
          and doc["objects"] == ["Deployment/fns", "Service/fns", "HorizontalPodAutoscaler/fns"],
          via_env.stdout)


def main():
    case = sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="sbfn-emit-") as scratch:
        globals()["case_" + case](scratch)
    print("ok: deploy.emit_" + case)


if __name__ == "__main__":
    main()
