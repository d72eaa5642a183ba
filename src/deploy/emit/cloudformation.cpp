#include "deploy/emit/emit.hpp"
#include "deploy/image.hpp"

namespace deploy::emit {
namespace {

using json = nlohmann::ordered_json;

json ref(const char* name) {
  return {{"Ref", name}};
}
json get_att(const char* resource, const char* attribute) {
  return {{"Fn::GetAtt", {resource, attribute}}};
}
json sub(const std::string& text) {
  return {{"Fn::Sub", text}};
}

// Resource names (ALB, cluster, log group, secrets) are built from the guide's two naming
// parameters, so two environments of one project live side by side.
constexpr const char* k_prefix = "${ProjectName}-${Environment}";

json parameters(const CloudFormationOptions& options) {
  json out;
  // The ECS guide's names, types and defaults (its parameters.json keeps working).
  out["ProjectName"] = {{"Type", "String"},
                        {"Default", "supabase-edge-runtime"},
                        {"AllowedPattern", "[a-z0-9][a-z0-9-]*"},
                        {"Description", "Project name, the first part of every resource name"}};
  out["Environment"] = {{"Type", "String"},
                        {"Default", "production"},
                        {"AllowedValues", {"development", "staging", "production"}},
                        {"Description", "Environment name, the second part of resource names"}};
  out["ContainerPort"] = {{"Type", "Number"},
                          {"Default", k_image_port},
                          {"MinValue", 1},
                          {"MaxValue", 65535},
                          {"Description", "Port sbfn serve listens on inside the task"}};
  out["DesiredCount"] = {{"Type", "Number"},
                         {"Default", 2},
                         {"MinValue", 1},
                         {"Description", "Tasks to run, and the autoscaling minimum"}};
  out["CPU"] = {{"Type", "String"},
                {"Default", "512"},
                {"AllowedValues", {"256", "512", "1024", "2048", "4096"}},
                {"Description", "Task CPU units (256 = 0.25 vCPU)"}};
  out["Memory"] = {{"Type", "String"},
                   {"Default", "1024"},
                   {"AllowedValues", {"512", "1024", "2048", "4096", "8192"}},
                   {"Description", "Task memory in MiB (Fargate pairs it with CPU)"}};
  out["JWTSecret"] = {{"Type", "String"},
                      {"NoEcho", true},
                      {"MinLength", 1},
                      {"Description", "JWT secret the functions' tokens are checked with"}};
  out["AnonKey"] = {{"Type", "String"},
                    {"NoEcho", true},
                    {"MinLength", 1},
                    {"Description", "Supabase anon key (SUPABASE_ANON_KEY)"}};
  out["ServiceRoleKey"] = {
      {"Type", "String"},
      {"NoEcho", true},
      {"MinLength", 1},
      {"Description", "Supabase service role key (SUPABASE_SERVICE_ROLE_KEY)"}};
  out["RequireAuth"] = {{"Type", "String"},
                        {"Default", "true"},
                        {"AllowedValues", {"true", "false"}},
                        {"Description",
                         "false serves every function without JWT verification "
                         "(--no-verify-jwt); true keeps each function's verify_jwt"}};
  // Ours: the image, the network and the certificate.
  json image = {{"Type", "String"},
                {"Description",
                 "The image to run (sbfn deploy --aws-stack passes the "
                 "pushed image by digest)"}};
  if (!options.image.empty()) {
    image["Default"] = options.image;
  }
  out[k_image_parameter] = image;
  out["VpcId"] = {{"Type", "AWS::EC2::VPC::Id"},
                  {"Description", "VPC for the load balancer and tasks"}};
  out["Subnets"] = {{"Type", "List<AWS::EC2::Subnet::Id>"},
                    {"Description", "At least two subnets in different Availability Zones"}};
  out["AssignPublicIp"] = {{"Type", "String"},
                           {"Default", "ENABLED"},
                           {"AllowedValues", {"ENABLED", "DISABLED"}},
                           {"Description",
                            "ENABLED for public subnets (tasks pull the image through it); "
                            "DISABLED behind a NAT gateway"}};
  out["CertificateArn"] = {
      {"Type", "String"},
      {"Default", ""},
      {"Description", "ACM certificate for an HTTPS listener on 443; empty: HTTP only"}};
  out["MaxCount"] = {{"Type", "Number"},
                     {"Default", 10},
                     {"MinValue", 1},
                     {"Description", "Most tasks CPU autoscaling may run"}};
  return out;
}

// No Name: Secrets Manager keeps a deleted secret's name for days, so a fixed one would
// stop the stack from being created again after a delete.
json secret(const char* description, const char* parameter) {
  return {{"Type", "AWS::SecretsManager::Secret"},
          {"Properties",
           {{"Description", sub(std::string(description) + " for " + k_prefix)},
            {"SecretString", ref(parameter)}}}};
}

// What the container gets from Secrets Manager: env name -> the secret resource. sbfn serve
// reads these from its environment (they cannot go on the command line: the task
// definition shows it).
const std::pair<const char*, const char*> k_secrets[] = {
    {"JWT_SECRET", "JwtSecret"},
    {"SUPABASE_ANON_KEY", "AnonKeySecret"},
    {"SUPABASE_SERVICE_ROLE_KEY", "ServiceRoleKeySecret"},
};

json task_definition() {
  // The image's own command, with the port of the ContainerPort parameter and, for
  // RequireAuth=false, --no-verify-jwt.
  json entry_point = {k_image_binary,
                      "serve",
                      "--bundle",
                      k_image_functions_dir,
                      "--host",
                      "0.0.0.0",
                      "--port",
                      ref("ContainerPort"),
                      {{"Fn::If", {"NoAuth", "--no-verify-jwt", ref("AWS::NoValue")}}}};
  json secrets = json::array();
  for (const auto& [env_name, resource] : k_secrets) {
    secrets.push_back({{"Name", env_name}, {"ValueFrom", ref(resource)}});
  }
  json container = {
      {"Name", k_container_name},
      {"Image", ref(k_image_parameter)},
      {"Essential", true},
      {"EntryPoint", entry_point},
      {"PortMappings", {{{"ContainerPort", ref("ContainerPort")}, {"Protocol", "tcp"}}}},
      {"Environment", {{{"Name", "ENVIRONMENT"}, {"Value", ref("Environment")}}}},
      {"Secrets", secrets},
      {"LogConfiguration",
       {{"LogDriver", "awslogs"},
        {"Options",
         {{"awslogs-group", ref("LogGroup")},
          {"awslogs-region", ref("AWS::Region")},
          {"awslogs-stream-prefix", k_container_name}}}}},
      // The image has no shell and no curl: sbfn probes itself (as its Docker HEALTHCHECK).
      {"HealthCheck",
       {{"Command",
         {"CMD", k_image_binary, "healthcheck", sub("http://127.0.0.1:${ContainerPort}/health")}},
        {"Interval", 30},
        {"Timeout", 5},
        {"Retries", 3},
        {"StartPeriod", 10}}},
  };
  return {
      {"Type", "AWS::ECS::TaskDefinition"},
      {"Properties",
       {{"Family", sub(k_prefix)},
        {"Cpu", ref("CPU")},
        {"Memory", ref("Memory")},
        {"NetworkMode", "awsvpc"},
        {"RequiresCompatibilities", {"FARGATE"}},
        {"RuntimePlatform", {{"CpuArchitecture", "X86_64"}, {"OperatingSystemFamily", "LINUX"}}},
        {"ExecutionRoleArn", get_att("ExecutionRole", "Arn")},
        {"ContainerDefinitions", json::array({container})}}}};
}

json execution_role() {
  json secret_arns = json::array();
  for (const auto& [env_name, resource] : k_secrets) {
    secret_arns.push_back(ref(resource));
  }
  return {{"Type", "AWS::IAM::Role"},
          {"Properties",
           {{"AssumeRolePolicyDocument",
             {{"Version", "2012-10-17"},
              {"Statement",
               {{{"Effect", "Allow"},
                 {"Principal", {{"Service", "ecs-tasks.amazonaws.com"}}},
                 {"Action", "sts:AssumeRole"}}}}}},
            // Pull from ECR and write the log stream.
            {"ManagedPolicyArns",
             {"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}},
            // Read the three secrets into the container's environment, and nothing else.
            {"Policies",
             {{{"PolicyName", "read-secrets"},
               {"PolicyDocument",
                {{"Version", "2012-10-17"},
                 {"Statement",
                  {{{"Effect", "Allow"},
                    {"Action", {"secretsmanager:GetSecretValue"}},
                    {"Resource", secret_arns}}}}}}}}}}}};
}

json tcp_from(int port, const char* cidr) {
  return {{"IpProtocol", "tcp"}, {"FromPort", port}, {"ToPort", port}, {"CidrIp", cidr}};
}

json forward() {
  return {{{"Type", "forward"}, {"TargetGroupArn", ref("TargetGroup")}}};
}

json resources() {
  json out;
  out["Cluster"] = {{"Type", "AWS::ECS::Cluster"},
                    {"Properties", {{"ClusterName", sub(k_prefix)}}}};
  out["LogGroup"] = {
      {"Type", "AWS::Logs::LogGroup"},
      {"Properties",
       {{"LogGroupName", sub(std::string("/ecs/") + k_prefix)}, {"RetentionInDays", 30}}}};
  out["JwtSecret"] = secret("JWT_SECRET", "JWTSecret");
  out["AnonKeySecret"] = secret("SUPABASE_ANON_KEY", "AnonKey");
  out["ServiceRoleKeySecret"] = secret("SUPABASE_SERVICE_ROLE_KEY", "ServiceRoleKey");
  out["ExecutionRole"] = execution_role();
  out["LoadBalancerSecurityGroup"] = {
      {"Type", "AWS::EC2::SecurityGroup"},
      {"Properties",
       {{"GroupDescription", "sbfn load balancer: HTTP and HTTPS from anywhere"},
        {"VpcId", ref("VpcId")},
        {"SecurityGroupIngress", {tcp_from(80, "0.0.0.0/0"), tcp_from(443, "0.0.0.0/0")}}}}};
  out["ServiceSecurityGroup"] = {
      {"Type", "AWS::EC2::SecurityGroup"},
      {"Properties",
       {{"GroupDescription", "sbfn tasks: the container port from the load balancer only"},
        {"VpcId", ref("VpcId")},
        {"SecurityGroupIngress",
         {{{"IpProtocol", "tcp"},
           {"FromPort", ref("ContainerPort")},
           {"ToPort", ref("ContainerPort")},
           {"SourceSecurityGroupId", get_att("LoadBalancerSecurityGroup", "GroupId")}}}}}}};
  out["LoadBalancer"] = {
      {"Type", "AWS::ElasticLoadBalancingV2::LoadBalancer"},
      {"Properties",
       {{"Type", "application"},
        {"Scheme", "internet-facing"},
        {"Subnets", ref("Subnets")},
        {"SecurityGroups", json::array({get_att("LoadBalancerSecurityGroup", "GroupId")})}}}};
  out["TargetGroup"] = {
      {"Type", "AWS::ElasticLoadBalancingV2::TargetGroup"},
      {"Properties",
       {{"TargetType", "ip"},  // awsvpc tasks register by IP
        {"Protocol", "HTTP"},
        {"Port", ref("ContainerPort")},
        {"VpcId", ref("VpcId")},
        {"HealthCheckPath", "/health"},
        {"HealthCheckProtocol", "HTTP"},
        {"HealthCheckIntervalSeconds", 15},
        {"HealthyThresholdCount", 2},
        {"UnhealthyThresholdCount", 3},
        {"Matcher", {{"HttpCode", "200"}}},
        // A rolling deploy waits this long for in-flight requests (default 300 s).
        {"TargetGroupAttributes",
         {{{"Key", "deregistration_delay.timeout_seconds"}, {"Value", "30"}}}}}}};
  // HTTP always forwards (the service depends on it, so it cannot be conditional).
  out["HttpListener"] = {{"Type", "AWS::ElasticLoadBalancingV2::Listener"},
                         {"Properties",
                          {{"LoadBalancerArn", ref("LoadBalancer")},
                           {"Port", 80},
                           {"Protocol", "HTTP"},
                           {"DefaultActions", forward()}}}};
  out["HttpsListener"] = {{"Type", "AWS::ElasticLoadBalancingV2::Listener"},
                          {"Condition", "HasCertificate"},
                          {"Properties",
                           {{"LoadBalancerArn", ref("LoadBalancer")},
                            {"Port", 443},
                            {"Protocol", "HTTPS"},
                            {"SslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06"},
                            {"Certificates", {{{"CertificateArn", ref("CertificateArn")}}}},
                            {"DefaultActions", forward()}}}};
  out["TaskDefinition"] = task_definition();
  out["Service"] = {
      {"Type", "AWS::ECS::Service"},
      // The target group must be attached to the load balancer first.
      {"DependsOn", "HttpListener"},
      {"Properties",
       {{"Cluster", ref("Cluster")},
        {"LaunchType", "FARGATE"},
        {"TaskDefinition", ref("TaskDefinition")},
        {"DesiredCount", ref("DesiredCount")},
        {"HealthCheckGracePeriodSeconds", 30},
        {"DeploymentConfiguration",
         {{"MaximumPercent", 200},
          {"MinimumHealthyPercent", 100},
          // A new image that fails /health rolls back instead of looping.
          {"DeploymentCircuitBreaker", {{"Enable", true}, {"Rollback", true}}}}},
        {"NetworkConfiguration",
         {{"AwsvpcConfiguration",
           {{"AssignPublicIp", ref("AssignPublicIp")},
            {"Subnets", ref("Subnets")},
            {"SecurityGroups", json::array({get_att("ServiceSecurityGroup", "GroupId")})}}}}},
        {"LoadBalancers",
         {{{"ContainerName", k_container_name},
           {"ContainerPort", ref("ContainerPort")},
           {"TargetGroupArn", ref("TargetGroup")}}}}}}};
  out["ScalableTarget"] = {{"Type", "AWS::ApplicationAutoScaling::ScalableTarget"},
                           {"Properties",
                            {{"ServiceNamespace", "ecs"},
                             {"ScalableDimension", "ecs:service:DesiredCount"},
                             {"ResourceId", sub("service/${Cluster}/${Service.Name}")},
                             {"MinCapacity", ref("DesiredCount")},
                             {"MaxCapacity", ref("MaxCount")}}}};
  out["CpuScalingPolicy"] = {{"Type", "AWS::ApplicationAutoScaling::ScalingPolicy"},
                             {"Properties",
                              {{"PolicyName", sub(std::string(k_prefix) + "-cpu")},
                               {"PolicyType", "TargetTrackingScaling"},
                               {"ScalingTargetId", ref("ScalableTarget")},
                               {"TargetTrackingScalingPolicyConfiguration",
                                {{"PredefinedMetricSpecification",
                                  {{"PredefinedMetricType", "ECSServiceAverageCPUUtilization"}}},
                                 {"TargetValue", 70},
                                 {"ScaleInCooldown", 300},
                                 {"ScaleOutCooldown", 60}}}}}};
  return out;
}

json outputs() {
  json out;
  out[k_url_output] = {{"Description", "The load balancer's URL: functions answer at <url>/<name>"},
                       {"Value",
                        {{"Fn::If",
                          {"HasCertificate", sub("https://${LoadBalancer.DNSName}"),
                           sub("http://${LoadBalancer.DNSName}")}}}}};
  out["ClusterName"] = {{"Description", "The ECS cluster"}, {"Value", ref("Cluster")}};
  out["ServiceName"] = {{"Description", "The ECS service"}, {"Value", get_att("Service", "Name")}};
  out["LogGroupName"] = {{"Description", "CloudWatch log group of the tasks"},
                         {"Value", ref("LogGroup")}};
  out[k_image_parameter] = {{"Description", "The image the service runs"},
                            {"Value", ref(k_image_parameter)}};
  return out;
}

}  // namespace

std::optional<Format> parse_format(const std::string& name) {
  if (name == "cloudformation") {
    return Format::cloudformation;
  }
  if (name == "kubernetes") {
    return Format::kubernetes;
  }
  return std::nullopt;
}

json cloudformation_template(const CloudFormationOptions& options) {
  json out;
  out["AWSTemplateFormatVersion"] = "2010-09-09";
  out["Description"] =
      "Supabase Edge Functions served by sbfn on ECS Fargate behind an Application Load "
      "Balancer (generated by sbfn deploy --emit cloudformation)";
  out["Parameters"] = parameters(options);
  out["Conditions"] = {
      {"HasCertificate", {{"Fn::Not", {{{"Fn::Equals", {ref("CertificateArn"), ""}}}}}}},
      {"NoAuth", {{"Fn::Equals", {ref("RequireAuth"), "false"}}}}};
  out["Resources"] = resources();
  out["Outputs"] = outputs();
  return out;
}

}  // namespace deploy::emit
