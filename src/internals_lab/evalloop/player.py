"""The trace player: a recorded VM run, stepped through in the browser with no kernel.

Design (Python Tutor's architecture, at the bytecode level): `internals_lab.vm.trace` records
the whole run once; `player_data` turns `Trace.to_dict()` into the plain, JSON-ready view the
player needs (each step's source span as character offsets, the frame stack rebuilt from the
steps' depths, argument texts without addresses); `TracePlayer` renders that view as one
self-contained HTML fragment: markup, CSS and JavaScript inline, the data in a
`<script type="application/json">`, nothing fetched from anywhere. Every instance gets its own
element id (derived from the data and a counter, so stored outputs stay reproducible) and its
script finds its own root, so several players on one page, or the same output shown twice in
JupyterLab, never drive each other.

Hooks the browser tests rely on: root `.internals-lab-player` (focusable, tabindex 0), buttons
`[data-action=first|back|forward|last]`, an `input[type=range]`, the highlighted source span
`.current-span`, the counter `.step-counter`. The markup for the first step is rendered in
Python (`step_panel_html`), so a page whose scripts do not run still shows a meaningful view.
"""
from __future__ import annotations

import hashlib
import html
import itertools
import json
import re
from dataclasses import dataclass

__all__ = ["PlayerStep", "PlayerData", "player_data", "TracePlayer", "play", "step_panel_html"]

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_instances = itertools.count()


def _no_address(text: str) -> str:
    return _ADDRESS.sub("", text)


@dataclass(frozen=True)
class PlayerStep:
    """One step as the player shows it (plain values only)."""

    index: int
    function: str
    code: str                    # key into PlayerData.codes
    offset: int
    opname: str
    argrepr: str
    line: int | None
    span: tuple[int, int] | None  # [start, end) character offsets into the source, or None
    stack_before: tuple[str, ...]
    stack_after: tuple[str, ...]
    locals: tuple[tuple[str, str], ...]
    frames: tuple[tuple[str, int | None], ...]   # (function, line), outermost first
    output_end: int              # PlayerData.output[:output_end] is everything printed so far
    raised: bool


@dataclass(frozen=True)
class PlayerData:
    source: str
    python: str
    steps: tuple[PlayerStep, ...]
    codes: dict                  # code key -> [(offset, opname, argrepr, line)]
    outcome: str                 # how the run ended, one sentence
    output: str = ""             # everything the steps printed, once (steps hold offsets into it)
    caps: str = ""               # the caps the recording ran under, one sentence

    def printed(self, step: PlayerStep) -> str:
        """What was printed up to and including `step`."""
        return self.output[:step.output_end]

    def to_json(self) -> dict:
        # The output is stored once; each step holds the offset where its output ends. (Storing
        # the output so far at every step made a 1,000-step loop after a long print 200 MB.)
        return {
            "source": self.source, "python": self.python, "outcome": self.outcome,
            "output": self.output, "caps": self.caps,
            "codes": {k: [list(row) for row in v] for k, v in self.codes.items()},
            "steps": [{
                "fn": s.function, "code": s.code, "off": s.offset, "op": s.opname, "arg": s.argrepr,
                "line": s.line, "span": list(s.span) if s.span else None,
                "before": list(s.stack_before), "after": list(s.stack_after),
                "locals": [list(kv) for kv in s.locals], "frames": [list(f) for f in s.frames],
                "oe": s.output_end, "raised": s.raised,
            } for s in self.steps],
        }


# CPython's tokenizer ends a line at \r\n, \r or \n (and nothing else: not \f, \v or U+2028,
# which str.splitlines would also split on), and numbers the lines of its positions that way.
_NEWLINE = re.compile(r"\r\n|\r|\n")


def _source_lines(source: str) -> tuple[list[str], list[int]]:
    """The lines as the compiler counts them, and the character offset where each starts."""
    lines, starts, at = [], [0], 0
    for m in _NEWLINE.finditer(source):
        lines.append(source[at:m.start()])
        at = m.end()
        starts.append(at)
    lines.append(source[at:])
    return lines, starts


def _char_offset(lines: list[str], starts: list[int], line: int, byte_col: int) -> int:
    """CPython's columns count UTF-8 bytes; the browser counts characters."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    # surrogatepass: a lone surrogate cannot reach here from compile(), but a trace dict can.
    chars = len(text.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", errors="ignore"))
    return starts[line - 1] + chars


def _span(source: str, lines: list[str], starts: list[int], step: dict) -> tuple[int, int] | None:
    line, end_line, col, end_col = step["line"], step["end_line"], step["col"], step["end_col"]
    if not line or line > len(lines) or col is None or end_col is None:
        return None
    if end_line and end_line > len(lines):
        end_line = len(lines)
    start = _char_offset(lines, starts, line, col)
    end = _char_offset(lines, starts, end_line or line, end_col)
    if end <= start:
        # A zero-width position (a function's RESUME): show the line it belongs to.
        text = lines[line - 1]
        start = starts[line - 1] + (len(text) - len(text.lstrip()))
        end = starts[line - 1] + len(text.rstrip())
        if end <= start:
            return None
    return (start, min(end, len(source)))


def player_data(trace: dict) -> PlayerData:
    """The player's view of `Trace.to_dict()` (or of a `Trace`)."""
    if hasattr(trace, "to_dict"):
        trace = trace.to_dict()
    if (not isinstance(trace, dict) or not isinstance(trace.get("source"), str)
            or not isinstance(trace.get("steps"), (list, tuple))):
        raise TypeError("player_data() needs internals_lab.vm.trace(...) or its to_dict()")
    try:
        return _player_data(trace)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise TypeError("player_data() needs internals_lab.vm.trace(...) or its to_dict(); "
                        f"this one is malformed ({type(exc).__name__}: {exc})") from None


def _player_data(trace: dict) -> PlayerData:
    source = trace["source"]
    lines, starts = _source_lines(source)
    frames: list[tuple[int, str, int | None]] = []   # (frame number, function, line) by depth
    chunks: list[str] = []   # each step's own output, appended once
    printed = 0
    steps = []
    for i, s in enumerate(trace["steps"]):
        depth = s["depth"]
        del frames[depth:]
        while len(frames) < depth:  # a frame we never saw start (cannot happen in a full trace)
            frames.append((-1, "?", None))
        frames.append((s["frame"], s["function"], s["line"] or None))
        if s.get("output"):
            chunks.append(s["output"])
            printed += len(s["output"])
        steps.append(PlayerStep(
            i, s["function"], s["code"], s["offset"], s["opname"], _no_address(s["argrepr"]),
            s["line"] or None, _span(source, lines, starts, s),
            tuple(s["stack_before"]), tuple(s["stack_after"]), tuple(s["locals"].items()),
            tuple((fn, line) for _, fn, line in frames), printed, s.get("exception") == "raised"))
    codes = {key: [(row["offset"], row["opname"], _no_address(row["argrepr"]), row["line"])
                   for row in listing] for key, listing in trace.get("codes", {}).items()}
    if trace.get("stopped"):
        outcome = f"Stopped: {trace['stopped']}"
    elif trace.get("exception"):
        outcome = f"The program raised {trace['exception']}"
    else:
        outcome = "The program finished normally."
    return PlayerData(source, trace.get("python", ""), tuple(steps), codes, outcome,
                      "".join(chunks), _caps_sentence(trace.get("caps") or {}))


def _caps_sentence(caps: dict) -> str:
    parts = []
    if caps.get("max_steps") is not None:
        parts.append(f"{caps['max_steps']:,} instructions")
    if caps.get("max_output") is not None:
        parts.append(f"{caps['max_output']:,} characters of output")
    if caps.get("max_seconds") is not None:
        parts.append(f"{caps['max_seconds']:g} s")
    if caps.get("max_trace_chars") is not None:
        parts.append(f"{caps['max_trace_chars']:,} characters of recorded stacks and locals")
    return f"Recorded with caps of {', '.join(parts)}." if parts else ""


# ---------------------------------------------------------------------------------------------
# Rendering one step in Python (the stepper, and the player's first view before its script runs)
# ---------------------------------------------------------------------------------------------
def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _source_html(source: str, span: tuple[int, int] | None) -> str:
    if span is None:
        return _e(source) + '<mark class="current-span ilp-nospan"></mark>'
    a, b = span
    return f'{_e(source[:a])}<mark class="current-span">{_e(source[a:b])}</mark>{_e(source[b:])}'


def _stack_html(values) -> str:
    if not values:
        return '<li class="ilp-empty">(empty)</li>'
    # Top of stack first, as the stack is usually drawn.
    return "".join(f"<li><code>{_e(v)}</code></li>" for v in reversed(values))


def _listing_html(data: PlayerData, step: PlayerStep) -> str:
    rows = []
    for offset, opname, argrepr, _line in data.codes.get(step.code, []):
        current = ' class="ilp-current-instr"' if offset == step.offset else ""
        rows.append(f"<li{current}><code>{offset:>4} {_e(opname)} {_e(argrepr)}</code></li>")
    return "".join(rows)


def _counter_text(step: PlayerStep, total: int) -> str:
    return f"step {step.index + 1} of {total}"


def step_panel_html(data: PlayerData, index: int) -> str:
    """One step drawn as HTML (the same structure the player's script draws)."""
    if not data.steps:
        return f"<p>No instruction ran. {_e(data.outcome)}</p>"
    step = data.steps[max(0, min(index, len(data.steps) - 1))]
    where = f"line {step.line}" if step.line else "no source line"
    locals_rows = "".join(f"<tr><th scope='row'><code>{_e(k)}</code></th><td><code>{_e(v)}</code></td></tr>"
                          for k, v in step.locals) or "<tr><td colspan='2'>(none)</td></tr>"
    frames = "".join(f"<li><code>{_e(fn)}</code> line {_e(line if line else '-')}</li>"
                     for fn, line in reversed(step.frames))
    raised = ' <strong class="ilp-raised">raised an exception</strong>' if step.raised else ""
    return (
        f'<div class="ilp-panel">'
        f'<pre class="ilp-source" aria-label="source code">{_source_html(data.source, step.span)}</pre>'
        f'<div class="ilp-side">'
        f'<p class="ilp-instr"><code>{_e(step.offset)} {_e(step.opname)} {_e(step.argrepr)}</code>'
        f' in <code>{_e(step.function)}</code>, {_e(where)}{raised}</p>'
        f'<div class="ilp-cols">'
        f'<div><div class="ilp-h">stack before (top first)</div><ol class="ilp-stack ilp-before">{_stack_html(step.stack_before)}</ol></div>'
        f'<div><div class="ilp-h">stack after (top first)</div><ol class="ilp-stack ilp-after">{_stack_html(step.stack_after)}</ol></div>'
        f'<div><div class="ilp-h">frames</div><ol class="ilp-frames">{frames}</ol></div>'
        f'</div>'
        f'<div class="ilp-h">locals</div><table class="ilp-locals"><tbody>{locals_rows}</tbody></table>'
        f'<div class="ilp-h">bytecode of <code class="ilp-code">{_e(step.function)}</code></div>'
        f'<ol class="ilp-listing">{_listing_html(data, step)}</ol>'
        f'</div></div>'
        f'<div class="ilp-h">printed so far</div><pre class="ilp-output">{_e(data.printed(step))}</pre>'
    )


# ---------------------------------------------------------------------------------------------
# The self-contained player
# ---------------------------------------------------------------------------------------------
_CSS = """
#ID{border:1px solid #888;border-radius:6px;padding:.5em;margin:.5em 0;font-size:14px;color:#111;background:#fff}
#ID:focus{outline:3px solid #4a90d9;outline-offset:2px}
#ID .ilp-title{font-weight:600;margin:0 0 .3em}
#ID .ilp-title small{font-weight:400}
#ID .ilp-controls{display:flex;flex-wrap:wrap;align-items:center;gap:.4em;margin-bottom:.4em}
#ID .ilp-controls button{min-width:2.6em;padding:.15em .5em;border:1px solid #666;border-radius:4px;background:#eee;color:#111;cursor:pointer}
#ID .ilp-controls input[type=range]{flex:1 1 12em}
#ID .step-counter{font-variant-numeric:tabular-nums;min-width:9em}
#ID .ilp-panel{display:flex;flex-wrap:wrap;gap:.8em}
#ID pre.ilp-source{flex:1 1 20em;margin:0;padding:.4em;background:#f6f6f6;color:#111;white-space:pre;overflow:auto;line-height:1.4}
#ID mark.current-span{background:#ffe066;color:#000;outline:1px solid #c90;border-radius:2px}
#ID mark.ilp-nospan{background:none;outline:none}
#ID .ilp-side{flex:1 1 22em;min-width:0}
#ID .ilp-h{font-weight:600;font-size:.85em;margin:.4em 0 .2em;color:#333}
#ID .ilp-cols{display:flex;gap:1em;flex-wrap:wrap}
#ID ol{margin:0;padding-left:1.2em}
#ID ol.ilp-stack,#ID ol.ilp-frames{list-style:none;padding-left:0}
#ID ol.ilp-stack li{border:1px solid #999;margin:1px 0;padding:0 .3em;background:#fafafa}
#ID .ilp-empty{color:#555;border-style:dashed!important}
#ID ol.ilp-listing{list-style:none;padding:0;max-height:11em;overflow:auto;border:1px solid #ccc;position:relative}
#ID ol.ilp-listing li{white-space:pre}
#ID li.ilp-current-instr{background:#ffe066;color:#000}
#ID table.ilp-locals{border-collapse:collapse;margin:0}
#ID table.ilp-locals th,#ID table.ilp-locals td{border:1px solid #ccc;padding:0 .4em;text-align:left}
#ID pre.ilp-output{margin:0;padding:.3em;background:#f6f6f6;color:#111;min-height:1.4em}
#ID .ilp-raised{color:#a00}
#ID .ilp-outcome{margin:.3em 0 0;font-style:italic}
"""

# The script: finds its own root (document.currentScript), reads the JSON data next to it, and
# redraws the panel on each step. It guards against running twice on the same root.
_JS = r"""
(function(){
var me=document.currentScript;
var root=(me&&me.closest&&me.closest('.internals-lab-player'))||document.getElementById('ID');
if(!root||root.getAttribute('data-ready')==='1')return;
root.setAttribute('data-ready','1');
var data=JSON.parse(root.querySelector('script.ilp-data').textContent);
var steps=data.steps,n=steps.length,cur=0;
for(var q=0;q<n;q++){steps[q].out=(data.output||'').slice(0,steps[q].oe);}
var range=root.querySelector('input[type=range]');
var counter=root.querySelector('.step-counter');
var panel=root.querySelector('.ilp-view');
function esc(t){return String(t).replace(/&/g,'&amp;').replace(/</g,'&lt;').replace(/>/g,'&gt;').replace(/"/g,'&quot;');}
function stack(vs){if(!vs.length)return '<li class="ilp-empty">(empty)</li>';var h='';for(var i=vs.length-1;i>=0;i--)h+='<li><code>'+esc(vs[i])+'</code></li>';return h;}
function src(sp){var s=data.source;if(!sp)return esc(s)+'<mark class="current-span ilp-nospan"></mark>';
 return esc(s.slice(0,sp[0]))+'<mark class="current-span">'+esc(s.slice(sp[0],sp[1]))+'</mark>'+esc(s.slice(sp[1]));}
function pad(o){o=String(o);while(o.length<4)o=' '+o;return o;}
function draw(){
 if(!n)return;
 var s=steps[cur];
 range.value=cur;
 counter.textContent='step '+(cur+1)+' of '+n;
 var loc='';for(var i=0;i<s.locals.length;i++)loc+="<tr><th scope='row'><code>"+esc(s.locals[i][0])+"</code></th><td><code>"+esc(s.locals[i][1])+"</code></td></tr>";
 if(!loc)loc="<tr><td colspan='2'>(none)</td></tr>";
 var fr='';for(var j=s.frames.length-1;j>=0;j--)fr+='<li><code>'+esc(s.frames[j][0])+'</code> line '+esc(s.frames[j][1]||'-')+'</li>';
 var lst='',rows=data.codes[s.code]||[];
 for(var k=0;k<rows.length;k++){var r=rows[k];lst+='<li'+(r[0]===s.off?' class="ilp-current-instr"':'')+'><code>'+pad(r[0])+' '+esc(r[1])+' '+esc(r[2])+'</code></li>';}
 panel.innerHTML='<div class="ilp-panel"><pre class="ilp-source" aria-label="source code">'+src(s.span)+'</pre>'+
  '<div class="ilp-side"><p class="ilp-instr"><code>'+esc(s.off)+' '+esc(s.op)+' '+esc(s.arg)+'</code> in <code>'+esc(s.fn)+'</code>, '+
  (s.line?'line '+s.line:'no source line')+(s.raised?' <strong class="ilp-raised">raised an exception</strong>':'')+'</p>'+
  '<div class="ilp-cols"><div><div class="ilp-h">stack before (top first)</div><ol class="ilp-stack ilp-before">'+stack(s.before)+'</ol></div>'+
  '<div><div class="ilp-h">stack after (top first)</div><ol class="ilp-stack ilp-after">'+stack(s.after)+'</ol></div>'+
  '<div><div class="ilp-h">frames</div><ol class="ilp-frames">'+fr+'</ol></div></div>'+
  '<div class="ilp-h">locals</div><table class="ilp-locals"><tbody>'+loc+'</tbody></table>'+
  '<div class="ilp-h">bytecode of <code class="ilp-code">'+esc(s.fn)+'</code></div><ol class="ilp-listing">'+lst+'</ol></div></div>'+
  '<div class="ilp-h">printed so far</div><pre class="ilp-output">'+esc(s.out)+'</pre>';
 var list=panel.querySelector('ol.ilp-listing'),hit=panel.querySelector('li.ilp-current-instr');
 if(list&&hit)list.scrollTop=Math.max(0,hit.offsetTop-list.clientHeight/2);
}
function go(i){cur=Math.max(0,Math.min(n-1,i));draw();}
var acts={first:function(){go(0);},back:function(){go(cur-1);},forward:function(){go(cur+1);},last:function(){go(n-1);}};
root.addEventListener('click',function(ev){var b=ev.target.closest&&ev.target.closest('button[data-action]');if(b&&root.contains(b)){acts[b.getAttribute('data-action')]();}});
range.addEventListener('input',function(){go(parseInt(range.value,10)||0);});
root.addEventListener('keydown',function(ev){
 if(ev.target===range)return;
 var k=ev.key;
 if(k==='ArrowRight'){go(cur+1);}else if(k==='ArrowLeft'){go(cur-1);}else if(k==='Home'){go(0);}else if(k==='End'){go(n-1);}else{return;}
 ev.preventDefault();ev.stopPropagation();
});
draw();
})();
"""


class TracePlayer:
    """A recorded run, shown as a self-contained HTML/JS player (and as text outside Jupyter)."""

    def __init__(self, trace, title: str = "") -> None:
        self.data = trace if isinstance(trace, PlayerData) else player_data(trace)
        self.title = title
        payload = json.dumps(self.data.to_json(), sort_keys=True, separators=(",", ":"))
        # Safe inside <script>: no "</script>" or "<!--" can appear in the JSON text.
        self._payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        digest = hashlib.sha1(payload.encode("utf-8")).hexdigest()[:10]
        self.element_id = f"ilp-{digest}-{next(_instances)}"

    def __len__(self) -> int:
        return len(self.data.steps)

    def __str__(self) -> str:
        steps = self.data.steps
        lines = [f"{self.title or 'Trace player'}: {len(steps)} steps (Python {self.data.python})"]
        lines += ["  | " + line for line in self.data.source.rstrip("\n").split("\n")]
        lines.append(f"{'step':>5}  {'line':>4}  {'function':<12} {'instruction':<34} stack after")
        shown = steps if len(steps) <= 24 else steps[:20]
        for s in shown:
            instr = f"{s.opname} {s.argrepr}".strip()
            lines.append(f"{s.index + 1:>5}  {s.line or '-':>4}  {s.function[:12]:<12} {instr[:34]:<34} "
                         f"[{', '.join(s.stack_after)}]")
        if len(shown) < len(steps):
            lines.append(f"  ... {len(steps) - len(shown)} more steps")
        lines.append(self.data.outcome)
        return "\n".join(lines)

    __repr__ = __str__

    def _outcome_and_caps(self) -> str:
        # Shown under every step, so it says when it holds: the first step has not finished anything.
        return f"After the last step: {self.data.outcome} {self.data.caps}".strip()

    def _repr_html_(self) -> str:
        pid = self.element_id
        n = len(self.data.steps)
        label = self.title or "Trace player"
        css = _CSS.replace("#ID", f"#{pid}")
        js = _JS.replace("'ID'", f"'{pid}'")
        first = self.data.steps[0] if n else None
        counter = _counter_text(first, n) if first else "no steps"
        return (
            f'<div class="internals-lab-player" id="{pid}" tabindex="0" role="group" '
            f'aria-label="{_e(label)}: step through the bytecode with the buttons, the slider or the arrow keys">'
            f"<style>{css}</style>"
            f'<p class="ilp-title">{_e(label)} <small>(recorded with Python {_e(self.data.python)}; '
            f"arrow keys step when the player has focus)</small></p>"
            f'<div class="ilp-controls">'
            f'<button type="button" data-action="first" aria-label="first step">&#xAB; first</button>'
            f'<button type="button" data-action="back" aria-label="back one step">&#x2039; back</button>'
            f'<button type="button" data-action="forward" aria-label="next step">next &#x203A;</button>'
            f'<button type="button" data-action="last" aria-label="last step">last &#xBB;</button>'
            f'<input type="range" min="0" max="{max(n - 1, 0)}" value="0" step="1" aria-label="step">'
            f'<span class="step-counter" aria-live="polite">{_e(counter)}</span></div>'
            f'<div class="ilp-view">{step_panel_html(self.data, 0)}</div>'
            f'<p class="ilp-outcome">{_e(self._outcome_and_caps())}</p>'
            f'<script type="application/json" class="ilp-data">{self._payload}</script>'
            f"<script>{js}</script></div>"
        )


def play(source: str, title: str = "", max_steps: int = 2000, **caps) -> TracePlayer:
    """Trace `source` in the teaching VM and return a player for the run.

    `caps` (max_seconds, max_output, max_trace_chars, bounds) go to `vm.trace`. A source the VM
    cannot run (a syntax error, an unimplemented instruction, text CPython cannot compile)
    gives a player with no steps whose outcome says why, not an exception.
    """
    if not isinstance(source, str):
        raise TypeError(f"play() needs the program's source as a str, not {type(source).__name__}")
    from .stepper import trace_for_stepper

    state = trace_for_stepper(source, max_steps, **caps)
    if state.data is not None:
        return TracePlayer(state.data, title)
    return TracePlayer(PlayerData(source, "%d.%d" % __import__("sys").version_info[:2], (), {},
                                  f"Cannot trace this program: {state.error}"), title)
