package gateway

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sync"
	"time"
)

// browseCSS is the only style of the browse pages, inline: the pages load
// nothing else, so they work offline and under the strict
// Content-Security-Policy they are sent with (which allows this style by
// its hash and nothing more).
const browseCSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f23;background:#f6f8fa}
header{background:#24476b;color:#fff;padding:.8rem 1rem}
header a{color:#fff;text-decoration:none;font-weight:600}
header nav{font-size:.9rem;opacity:.9;overflow-wrap:anywhere}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.2rem 0 .8rem;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
a{color:#0b5cad}
.card{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:.8rem 1rem;margin:.6rem 0;overflow-wrap:anywhere}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem;overflow-wrap:anywhere}
.muted{color:#57606a;font-size:.9rem}
.tag{display:inline-block;max-width:100%;overflow-wrap:anywhere;background:#ddf4ff;color:#0a3069;border-radius:1rem;padding:0 .55rem;margin:.1rem .2rem .1rem 0;font-size:.85rem}
.yanked{background:#ffebe9;color:#82071e}
.row{display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:baseline}
.row .grow{flex:1 1 12rem;min-width:0}
.btn{display:inline-block;padding:.25rem .7rem;border:1px solid #0b5cad;border-radius:6px;text-decoration:none;font-size:.9rem}
ul.plain{list-style:none;padding:0;margin:0}
.warn{color:#82071e}
`

// browseCSP is the Content-Security-Policy of the browse pages.
func browseCSP() string {
	sum := sha256.Sum256([]byte(browseCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
}

// browseTemplates parses the browse pages' templates on first use, not
// in every command's start-up (only serve shows them).
var browseTemplates = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Funcs(template.FuncMap{
		"css":  func() template.CSS { return template.CSS(browseCSS) },
		"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"size": humanSize,
	}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · svcreg</title>
<style>{{css}}</style></head>
<body><header><a href="/">svcreg</a>{{with .Crumb}} <nav>{{.}}</nav>{{end}}</header><main>
{{template "body" .}}
</main></body></html>
{{define "body"}}{{with .Index}}{{template "index" .}}{{end}}{{with .Registry}}{{template "registry" .}}{{end}}{{with .Service}}{{template "service" .}}{{end}}{{end}}

{{define "index"}}<h1 id="title">Registries</h1>
{{range .Registries}}{{template "regsummary" .}}{{template "services" .}}{{else}}<p class="card">This server has no registry to show (start it in a home with a key, or with --registry).</p>{{end}}
<p class="muted">Also served: <span class="mono">/ipfs/CID/</span>, <span class="mono">/ipns/NAME/</span>, <span class="mono">/svc/NAME@RANGE/</span>, <span class="mono">/routing/v1/ipns/NAME</span>. Add <span class="mono">Accept: application/json</span> for this page as JSON.</p>{{end}}

{{define "regsummary"}}<div class="card"><div class="row"><div class="grow"><a class="mono" href="{{.URL}}">{{.Name}}</a></div></div>
<div class="muted">seq {{.Seq}} · record {{if .Live}}valid until{{else}}<span class="warn">expired</span>{{end}} {{when .Expires}} · {{len .Services}} service{{if ne (len .Services) 1}}s{{end}}</div></div>{{end}}

{{define "services"}}<ul class="plain" id="services">{{range .Services}}<li class="card"><div class="row"><div class="grow"><a href="{{.URL}}"><strong>{{.Name}}</strong></a> {{with .Latest}}<span class="mono">{{.}}</span>{{end}}</div>{{with .Open}}<a class="btn" href="{{.}}">Open</a>{{end}}</div>
{{with .Tags}}<div>{{range $t, $v := .}}<span class="tag">{{$t}}: {{$v}}</span>{{end}}</div>{{end}}</li>{{else}}<li class="card muted">No services yet.</li>{{end}}</ul>
{{if .Truncated}}<p class="muted">More services than shown.</p>{{end}}{{end}}

{{define "registry"}}<h1 id="title">Registry</h1>{{template "regsummary" .}}
<h2>Services</h2>{{template "services" .}}
<h2>History</h2><ul class="plain" id="history">{{range .History}}<li class="card"><div class="row"><div class="grow"><strong>seq {{.Seq}}</strong> {{.Change}}</div><span class="muted">{{when .Time}}</span></div><div class="mono muted">{{.Root}}</div></li>{{end}}</ul>{{end}}

{{define "service"}}<h1 id="title">{{.Name}}</h1>
{{with .Tags}}<div>{{range $t, $v := .}}<span class="tag">{{$t}}: {{$v}}</span>{{end}}</div>{{end}}
<h2>Versions</h2><ul class="plain" id="versions">{{range .Versions}}<li class="card{{if .Yanked}} yanked{{end}}"><div class="row"><div class="grow"><strong class="mono">{{.Version}}</strong>{{if .Yanked}} <span class="tag yanked">yanked{{with .YankReason}}: {{.}}{{end}}</span>{{end}}</div>
<a class="btn" href="{{.Open}}">Open</a> <a class="btn" href="{{.Files}}">Files</a></div>
<div class="muted">{{size .Size}} · published {{when .Published}}</div><div class="mono muted">{{.CID}}</div></li>{{end}}</ul>{{end}}
`))
})

// htmlPage is what the templates get: one of Index, Registry, Service.
type htmlPage struct {
	Title    string
	Crumb    template.HTML
	Index    *browseIndex
	Registry *browseRegistry
	Service  *browseService
}

// writeHTML renders page.
func (s *Server) writeHTML(w http.ResponseWriter, page any) {
	hp := htmlPage{}
	switch p := page.(type) {
	case browseIndex:
		hp.Title, hp.Index = "registries", &p
	case browseRegistry:
		hp.Title, hp.Registry = "registry "+p.Name, &p
		hp.Crumb = template.HTML(`<a href="` + template.HTMLEscapeString(p.URL) + `">` + template.HTMLEscapeString(shortName(p.Name)) + `</a>`)
	case browseService:
		hp.Title, hp.Service = p.Name, &p
		hp.Crumb = template.HTML(`<a href="` + template.HTMLEscapeString(browsePrefix+s.registry.String()+"/") + `">` +
			template.HTMLEscapeString(shortName(s.registry.String())) + `</a> / ` + template.HTMLEscapeString(p.Name))
	}
	var b bytes.Buffer
	if err := browseTemplates().Execute(&b, hp); err != nil {
		writeError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", s.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.Write(b.Bytes())
}

// writeJSON writes v as indented JSON.
func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(b, '\n'))
}

// shortName abbreviates a k51… name for breadcrumbs.
func shortName(n string) string {
	if len(n) > 16 {
		return n[:10] + "…" + n[len(n)-4:]
	}
	return n
}

func humanSize(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
