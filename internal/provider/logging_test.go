package provider

import "testing"

func TestProvider_logging_quietUnlessAsked(t *testing.T) {
	run := func(env map[string]string) (bool, map[string]string) {
		set := map[string]string{}
		quiet := QuietLogsUnlessAsked(func(k string) string { return env[k] }, func(k, v string) error { set[k] = v; return nil })
		return quiet, set
	}
	quiet, set := run(map[string]string{})
	if !quiet || set["TF_LOG_SDK"] != "off" || set["TF_LOG_SDK_PROTO"] != "off" || set["TF_LOG_SDK_FRAMEWORK"] != "off" || set["TF_LOG_PROVIDER"] != "off" {
		t.Fatalf("no log asked for: quiet=%v, set %v", quiet, set)
	}
	for _, k := range logEnv {
		if quiet, set := run(map[string]string{k: "TRACE"}); quiet || len(set) != 0 {
			t.Errorf("%s=TRACE: logs were turned off (%v)", k, set)
		}
	}
}
