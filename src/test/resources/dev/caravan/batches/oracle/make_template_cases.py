#!/usr/bin/python3
"""Makes template-cases.jsonl: what WEPPcloud's run-id template engine renders for each case.

Run from this folder with the system Python (3.11 was used):  /usr/bin/python3 make_template_cases.py
It renders each template the way wepppy's WatershedCollection.evaluate_template does (brace scanning,
_split_format, format(value, spec) or str(value), the same six functions), but evaluates each expression
with a plain restricted eval instead of WEPPcloud's node validator: that validator also visits operator
nodes (ast.Add, ast.Eq, ...) and so refuses every operator, which the issue asks Caravan to support.
slug also takes its separator positionally and as sep=, as Caravan's does. Output lines:
{"template", "feature", "out"} or {"template", "feature", "error"} with "Type: message".
"""
import json
import re

FEATURES = json.load(open("template-features.json"))


def slug(value, sep=None, *, separator=None):
    separator = separator if separator is not None else (sep if sep is not None else "-")
    text = str(value or "").strip()
    text = re.sub(r"[^A-Za-z0-9]+", separator, text)
    text = re.sub(rf"{re.escape(separator)}+", separator, text)
    return text.strip(separator)


FUNCTIONS = {
    "slug": slug,
    "lower": lambda value: str(value or "").lower(),
    "upper": lambda value: str(value or "").upper(),
    "title": lambda value: str(value or "").title(),
    "zfill": lambda value, width: str(value or "").zfill(int(width)),
    "replace": lambda value, old, new: str(value or "").replace(old, new),
}


def split_format(expr):
    depth, single, double = 0, False, False
    for i, c in enumerate(expr):
        if c == "'" and not double:
            single = not single
        elif c == '"' and not single:
            double = not double
        elif c in "[({" and not (single or double):
            depth += 1
        elif c in "])}" and not (single or double):
            depth = max(depth - 1, 0)
        elif c == ":" and depth == 0 and not single and not double:
            return expr[:i].strip(), expr[i + 1:].strip()
    return expr.strip(), None


def render(template, feature, index):
    props = feature.get("properties")
    ctx = {"feature": feature, "properties": props if isinstance(props, dict) else {}, "index": index,
           "one_based_index": index + 1}
    out, i, n = [], 0, len(template)
    while i < n:
        c = template[i]
        if c == "{":
            if i + 1 < n and template[i + 1] == "{":
                out.append("{"); i += 2; continue
            depth, j = 1, i + 1
            while j < n and depth:
                if template[j] == "{":
                    depth += 1
                elif template[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if depth:
                raise ValueError("Unmatched '{' in template")
            expr, spec = split_format(template[i + 1:j])
            value = eval(compile(expr, "<template>", "eval"), dict(FUNCTIONS, __builtins__={}), ctx)
            out.append(format(value, spec) if spec else str(value))
            i = j + 1
        elif c == "}":
            if i + 1 < n and template[i + 1] == "}":
                out.append("}"); i += 2; continue
            raise ValueError("Single '}' encountered in format string")
        else:
            start = i
            while i < n and template[i] not in "{}":
                i += 1
            out.append(template[start:i])
    return "".join(out)


def main():
    with open("template-cases.txt", encoding="utf-8") as f:
        cases = [line.rstrip("\n") for line in f if line.strip() and not line.startswith("##")]
    with open("template-cases.jsonl", "w", encoding="utf-8") as out:
        for line in cases:
            index, template = line.split(" ", 1)
            index = int(index)
            row = {"template": template, "feature": index}
            try:
                row["out"] = render(template, FEATURES[index], index)
            except SyntaxError:
                row["error"] = "SyntaxError"
            except Exception as e:  # noqa: BLE001
                row["error"] = f"{type(e).__name__}: {e}"
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


main()
