package provider

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The docs check: mechanical rules that catch the kind of mismatch between
// the docs and the code a reader trusts and cannot verify (issue 22, part 2).
// `make docs-check` proves docs/ is what the templates and schemas render;
// these tests check what they say. They read the repository from its root.

const repoRoot = "../.."

// docFiles are the Markdown files a user reads: the README, the changelog,
// the architecture notes, the emulator's manual and every generated page.
func docFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"README.md", "CHANGELOG.md", "ARCHITECTURE.md", "internal/emulator/README.md"}
	err := filepath.WalkDir(filepath.Join(repoRoot, "docs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(repoRoot, p)
			files = append(files, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d documentation files: %v", len(files), files)
	}
	return files
}

// readRepo reads a file by its path from the repository root.
func readRepo(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// forEachLine calls f with every line of every file, numbered from 1.
func forEachLine(t *testing.T, files []string, f func(file string, n int, line string)) {
	t.Helper()
	for _, file := range files {
		sc := bufio.NewScanner(strings.NewReader(readRepo(t, file)))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for n := 1; sc.Scan(); n++ {
			f(file, n, sc.Text())
		}
	}
}

// BENCHMARKS.md, written by `make bench`, is the one source of the
// benchmark figures: a ratio quoted anywhere else must be one of its
// figures, so that a new run cannot leave an old number behind.
func TestDocs_check_benchmarkFiguresFromBenchmarksMD(t *testing.T) {
	bench := readRepo(t, "BENCHMARKS.md")
	figure := regexp.MustCompile(`\d+(?:\.\d+)?×`)
	have := map[string]bool{}
	for _, f := range figure.FindAllString(bench, -1) {
		have[f] = true
	}
	if len(have) < 5 {
		t.Fatalf("BENCHMARKS.md has only %d ratio figures (want its tables): %v", len(have), have)
	}
	seen := 0
	forEachLine(t, docFiles(t), func(file string, n int, line string) {
		for _, f := range figure.FindAllString(line, -1) {
			seen++
			if !have[f] {
				t.Errorf("%s:%d quotes %s, which BENCHMARKS.md does not have: quote its figures or link to it\n\t%s", file, n, f, line)
			}
		}
	})
	if seen == 0 {
		t.Error("no benchmark figure quoted anywhere: the check checks nothing (the README quotes BENCHMARKS.md's highlights)")
	}
}

// A 0.x release may break compatibility at every minor version, so
// `~> 0.1` (which admits 0.2) is wrong: constraints are `~> 0.1.0`.
func TestDocs_check_versionConstraintsPinMinor(t *testing.T) {
	files := docFiles(t)
	for _, dir := range []string{"examples", "templates"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(repoRoot, p)
				files = append(files, rel)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	constraint := regexp.MustCompile(`~>\s*0\.\d+(\.\d+)?`)
	pinned := 0
	forEachLine(t, files, func(file string, n int, line string) {
		for _, m := range constraint.FindAllStringSubmatch(line, -1) {
			if m[1] == "" {
				t.Errorf("%s:%d: %q admits the next 0.x minor version, which may break: write %s.0\n\t%s", file, n, m[0], m[0], line)
			}
			pinned++
		}
	})
	if pinned == 0 {
		t.Error("no version constraint found: the examples and the index pin the provider")
	}
}

// fence opens a code block of Terraform configuration in Markdown.
var fence = regexp.MustCompile("^```(terraform|hcl)\\s*$")

// Every block of Terraform configuration in the docs is as `terraform fmt`
// writes it (and parses): a reader copies them as they are.
func TestDocs_check_hclBlocksFmtClean(t *testing.T) {
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform is not on PATH; make test has it (the blocks are checked with terraform fmt)")
	}
	dir := t.TempDir()
	where := map[string]string{}
	var block []string
	open := ""
	forEachLine(t, docFiles(t), func(file string, n int, line string) {
		switch {
		case open == "" && fence.MatchString(line):
			open, block = fmt.Sprintf("%s:%d", file, n), nil
		case open != "" && strings.TrimSpace(line) == "```":
			if len(block) > 0 && strings.HasPrefix(block[0], "provider_installation") {
				// The CLI configuration (dev_overrides) is HCL but not
				// Terraform's language: terraform fmt does not take it.
				open = ""
				return
			}
			name := fmt.Sprintf("block%03d.tf", len(where))
			where[name] = open
			if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(block, "\n")+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			open = ""
		case open != "":
			block = append(block, line)
		}
	})
	if len(where) < 20 {
		t.Fatalf("found only %d Terraform blocks in the docs", len(where))
	}
	cmd := exec.Command(tf, "fmt", "-check", "-list=true", "-no-color", dir)
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		return
	}
	var bad []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if at, ok := where[filepath.Base(strings.TrimSpace(l))]; ok {
			bad = append(bad, at)
		}
	}
	slices.Sort(bad)
	if len(bad) == 0 {
		t.Fatalf("terraform fmt failed on the docs' blocks (a block that does not parse?): %v\n%s", err, out)
	}
	t.Errorf("Terraform blocks that terraform fmt would change (the line of the opening fence):\n\t%s", strings.Join(bad, "\n\t"))
}

// A test the docs cite as proof exists: a renamed or deleted test would
// leave a claim that nothing proves. `TestX_*` names a family (a prefix);
// `TestX/case` a subtest of TestX.
func TestDocs_check_citedTestsExist(t *testing.T) {
	defined := map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func (Test\w+|Fuzz\w+|Benchmark\w+)\(`)
	err := filepath.WalkDir(repoRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "bin" || d.Name() == "dist" || strings.HasPrefix(d.Name(), ".")) && p != repoRoot {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, "_test.go") {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, m := range decl.FindAllStringSubmatch(string(b), -1) {
				defined[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cited := regexp.MustCompile("`((?:Test|Fuzz|Benchmark)[A-Za-z0-9_]+\\*?)[^`]*`")
	checked := 0
	forEachLine(t, docFiles(t), func(file string, n int, line string) {
		for _, m := range cited.FindAllStringSubmatch(line, -1) {
			name := m[1]
			checked++
			if prefix, family := strings.CutSuffix(name, "*"); family {
				if !slices.ContainsFunc(mapKeys(defined), func(d string) bool { return strings.HasPrefix(d, prefix) }) {
					t.Errorf("%s:%d cites the tests %s, and no test is named so", file, n, name)
				}
				continue
			}
			if !defined[name] {
				t.Errorf("%s:%d cites %s, which no _test.go defines", file, n, name)
			}
		}
	})
	if checked < 10 {
		t.Errorf("found only %d cited tests (the reliability guide cites dozens)", checked)
	}
}

func mapKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Polar's ids are lowercase, hyphenated UUIDs and the validators refuse any
// other spelling: an attribute description that says "UUID" says
// "lowercase" too (the Registry page shows these descriptions).
func TestDocs_check_uuidAttributesSayLowercase(t *testing.T) {
	ctx := context.Background()
	server, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasError(resp.Diagnostics) {
		t.Fatalf("GetProviderSchema: %v %v", err, resp.Diagnostics)
	}
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || hasError(ids.Diagnostics) {
		t.Fatalf("GetResourceIdentitySchemas: %v %v", err, ids.Diagnostics)
	}
	mentions := 0
	check := func(where, description string) {
		if strings.Contains(description, "UUID") {
			mentions++
			if !strings.Contains(description, "lowercase") {
				t.Errorf("%s: the description says UUID but not lowercase: %q", where, description)
			}
		}
	}
	var walkBlock func(where string, b *tfprotov6.SchemaBlock)
	var walkAttrs func(where string, attrs []*tfprotov6.SchemaAttribute)
	walkAttrs = func(where string, attrs []*tfprotov6.SchemaAttribute) {
		for _, a := range attrs {
			check(where+"."+a.Name, a.Description)
			if a.NestedType != nil {
				walkAttrs(where+"."+a.Name, a.NestedType.Attributes)
			}
		}
	}
	walkBlock = func(where string, b *tfprotov6.SchemaBlock) {
		if b == nil {
			return
		}
		walkAttrs(where, b.Attributes)
		for _, nb := range b.BlockTypes {
			walkBlock(where+"."+nb.TypeName, nb.Block)
		}
	}
	walkBlock("provider", resp.Provider.Block)
	for kind, schemas := range map[string]map[string]*tfprotov6.Schema{
		"resource": resp.ResourceSchemas, "data source": resp.DataSourceSchemas, "list resource": resp.ListResourceSchemas,
	} {
		for name, s := range schemas {
			walkBlock(kind+" "+name, s.Block)
		}
	}
	for name, s := range resp.ActionSchemas {
		walkBlock("action "+name, s.Schema.Block)
	}
	for name, s := range ids.IdentitySchemas {
		for _, a := range s.IdentityAttributes {
			check("identity of "+name+"."+a.Name, a.Description)
		}
	}
	if mentions == 0 {
		t.Error("no description mentions UUID: the check checks nothing (the id attributes say what an id looks like)")
	}
}
