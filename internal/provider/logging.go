package provider

// The framework's and the plugin SDK's own loggers write every TRACE line
// as JSON to the provider's stderr, and Terraform parses each line even when
// no one asked for logs (terraform-plugin-framework #1269): on a plan over
// thousands of seats that is a quarter of the CPU. So the provider logs only
// when someone asks.

// logEnv are the variables by which a user asks for logs. Terraform passes
// them to the provider process.
var logEnv = []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_POLAR", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// QuietLogsUnlessAsked turns the provider's, the framework's and the SDK's
// loggers off unless one of logEnv is set. It must run before the provider
// server starts, which reads them. It returns whether it turned them off.
func QuietLogsUnlessAsked(getenv func(string) string, setenv func(string, string) error) bool {
	for _, k := range logEnv {
		if getenv(k) != "" {
			return false
		}
	}
	for _, k := range []string{"TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"} {
		_ = setenv(k, "off")
	}
	return true
}
