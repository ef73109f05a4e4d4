package dev.caravan.batches.template;

import dev.caravan.batches.python.Limits;
import dev.caravan.batches.python.PyEllipsis;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A recursive-descent parser for the Python expression grammar (precedence from conditional expressions
 * down to atoms), building {@link Expr} nodes. What Python parses but templates refuse becomes a
 * {@link Expr.Refused} node, or an error at once when it cannot be skipped (lambda, comprehensions,
 * starred items). Nesting deeper than {@link Limits#MAX_NESTING} is refused.
 */
final class Parser {

    private static final Set<String> KEYWORDS = Set.of("False", "None", "True", "and", "as", "assert", "async",
            "await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
            "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
            "try", "while", "with", "yield");
    private static final Set<String> COMPARE = Set.of("<", ">", "==", ">=", "<=", "!=");

    private final List<Token> tokens;
    private int at;
    private int depth;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** Parses one expression (the text between a template's braces); base is its offset in the template. */
    static Expr parse(String text, int base) {
        List<Token> tokens = Lexer.tokenize(text, base);
        Parser p = new Parser(tokens);
        if (p.peek().kind() == Token.Kind.END) {
            throw new TemplateException("empty expression in template at column " + (base + 1), base + 1);
        }
        Expr e = p.topLevel();
        while (p.peek().kind() == Token.Kind.NEWLINE) {
            p.at++;
        }
        if (p.peek().kind() != Token.Kind.END) {
            throw p.syntax("invalid syntax", p.peek());
        }
        e.check();
        return e;
    }

    // ---- token helpers

    private Token peek() {
        return tokens.get(at);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Token.Kind.END) {
            at++;
        }
        return t;
    }

    private boolean acceptOp(String op) {
        if (peek().isOp(op)) {
            at++;
            return true;
        }
        return false;
    }

    private boolean acceptKeyword(String k) {
        if (peek().isKeyword(k)) {
            at++;
            return true;
        }
        return false;
    }

    private void expectOp(String op) {
        if (!acceptOp(op)) {
            throw syntax("expected '" + op + "'", peek());
        }
    }

    TemplateException syntax(String what, Token t) {
        String found = t.kind() == Token.Kind.END ? "end of expression"
                : t.kind() == Token.Kind.NEWLINE ? "a line break" : "'" + t.text() + "'";
        return new TemplateException("Syntax error in template at column " + (t.pos() + 1) + ": " + what
                + " (found " + found + ")", t.pos() + 1);
    }

    private TemplateException refusedNow(String kind, Token t) {
        return new TemplateException("Unsupported expression component: " + kind, t.pos() + 1);
    }

    private void enter(Token t) {
        if (++depth > Limits.MAX_NESTING) {
            throw new TemplateException("template expression nests too deeply (more than " + Limits.MAX_NESTING
                    + " levels) at column " + (t.pos() + 1), t.pos() + 1);
        }
    }

    private void leave() {
        depth--;
    }

    // ---- grammar, lowest precedence first

    private Expr topLevel() {
        Token start = peek();
        Expr first = testOrStar();
        if (!peek().isOp(",")) {
            return first;
        }
        List<Expr> items = new ArrayList<>(List.of(first));
        while (acceptOp(",")) {
            if (endsList()) {
                break;
            }
            items.add(testOrStar());
        }
        return new Expr.Display(start.pos(), 't', items);
    }

    private boolean endsList() {
        Token t = peek();
        return t.kind() == Token.Kind.END || t.kind() == Token.Kind.NEWLINE || t.isOp(")") || t.isOp("]")
                || t.isOp("}");
    }

    private Expr testOrStar() {
        if (peek().isOp("*")) {
            throw refusedNow("Starred", peek());
        }
        return test();
    }

    private Expr test() {
        Token t = peek();
        enter(t);
        try {
            if (t.isKeyword("lambda")) {
                throw refusedNow("Lambda", t);
            }
            if (t.isKeyword("yield")) {
                throw refusedNow("Yield", t);
            }
            Expr body = or();
            if (peek().isKeyword("if")) {
                Token ifToken = next();
                Expr cond = or();
                if (!acceptKeyword("else")) {
                    throw syntax("expected 'else' after 'if' expression", peek());
                }
                Expr orelse = test();
                return new Expr.IfExp(ifToken.pos(), cond, body, orelse);
            }
            if (peek().isOp(":=")) {
                throw refusedNow("NamedExpr", peek());
            }
            return body;
        } finally {
            leave();
        }
    }

    private Expr or() {
        return boolChain("or", this::and);
    }

    private Expr and() {
        return boolChain("and", this::not);
    }

    /** operand (keyword operand)*: one BoolOp for the whole chain, as Python's ast has it. */
    private Expr boolChain(String keyword, java.util.function.Supplier<Expr> operand) {
        Token t = peek();
        Expr first = operand.get();
        if (!peek().isKeyword(keyword)) {
            return first;
        }
        List<Expr> values = new ArrayList<>(List.of(first));
        while (acceptKeyword(keyword)) {
            values.add(operand.get());
        }
        return new Expr.BoolOp(t.pos(), keyword.equals("and"), values);
    }

    private Expr not() {
        Token t = peek();
        if (!t.isKeyword("not")) {
            return comparison();
        }
        next();
        enter(t);
        try {
            return new Expr.UnaryOp(t.pos(), "not", not());
        } finally {
            leave();
        }
    }

    private Expr comparison() {
        Token t = peek();
        Expr left = binary(0);
        List<String> ops = new ArrayList<>();
        List<Expr> rights = new ArrayList<>();
        while (true) {
            Token op = peek();
            String o;
            if (op.kind() == Token.Kind.OP && COMPARE.contains(op.text())) {
                o = op.text();
                next();
            } else if (op.isKeyword("in")) {
                o = "in";
                next();
            } else if (op.isKeyword("not") && peek(1).isKeyword("in")) {
                o = "not in";
                at += 2;
            } else if (op.isKeyword("is")) {
                next();
                o = acceptKeyword("not") ? "is not" : "is";
            } else {
                break;
            }
            ops.add(o);
            rights.add(binary(0));
        }
        return ops.isEmpty() ? left : new Expr.Compare(t.pos(), left, ops, rights);
    }

    /** Binary operators by level: | ^ & (<< >>) (+ -) (* / // % @). */
    private static final List<Set<String>> LEVELS = List.of(Set.of("|"), Set.of("^"), Set.of("&"),
            Set.of("<<", ">>"), Set.of("+", "-"), Set.of("*", "/", "//", "%", "@"));

    private Expr binary(int level) {
        if (level == LEVELS.size()) {
            return factor();
        }
        Expr left = binary(level + 1);
        while (peek().kind() == Token.Kind.OP && LEVELS.get(level).contains(peek().text())) {
            Token op = next();
            Expr right = binary(level + 1);
            left = new Expr.BinOp(op.pos(), op.text(), left, right);
        }
        return left;
    }

    private Expr factor() {
        Token t = peek();
        if (t.isOp("-") || t.isOp("+") || t.isOp("~")) {
            next();
            enter(t);
            try {
                return new Expr.UnaryOp(t.pos(), t.text(), factor());
            } finally {
                leave();
            }
        }
        return power();
    }

    private Expr power() {
        Token t = peek();
        if (t.isKeyword("await")) {
            next();
            primary();
            return new Expr.Refused(t.pos(), "Unsupported expression component: Await");
        }
        Expr base = primary();
        if (peek().isOp("**")) {
            Token op = next();
            enter(op);
            try {
                return new Expr.BinOp(op.pos(), "**", base, factor());
            } finally {
                leave();
            }
        }
        return base;
    }

    private Expr primary() {
        Expr e = atom();
        while (true) {
            Token t = peek();
            if (t.isOp("(")) {
                e = call(e, t);
            } else if (t.isOp("[")) {
                next();
                enter(t);
                try {
                    e = new Expr.Subscript(t.pos(), e, subscript(t));
                } finally {
                    leave();
                }
                expectOp("]");
            } else if (t.isOp(".")) {
                next();
                if (peek().kind() != Token.Kind.NAME) {
                    throw syntax("expected a name after '.'", peek());
                }
                next();
                e = new Expr.Refused(t.pos(), "Unsupported expression component: Attribute");
            } else {
                return e;
            }
        }
    }

    private Expr subscript(Token open) {
        Expr first = sliceItem();
        if (!peek().isOp(",")) {
            return first;
        }
        List<Expr> items = new ArrayList<>(List.of(first));
        while (acceptOp(",")) {
            if (peek().isOp("]")) {
                break;
            }
            items.add(sliceItem());
        }
        return new Expr.Display(open.pos(), 't', items);
    }

    private Expr sliceItem() {
        Token t = peek();
        Expr lower = peek().isOp(":") ? null : test();
        if (!acceptOp(":")) {
            return lower;
        }
        Expr upper = peek().isOp(":") || peek().isOp("]") || peek().isOp(",") ? null : test();
        Expr step = null;
        if (acceptOp(":")) {
            step = peek().isOp("]") || peek().isOp(",") ? null : test();
        }
        return new Expr.Slice(t.pos(), lower, upper, step);
    }

    private Expr call(Expr callee, Token open) {
        next();
        enter(open);
        try {
            List<Expr> positional = new ArrayList<>();
            List<String> names = new ArrayList<>();
            List<Expr> keywordValues = new ArrayList<>();
            List<Token> keywordTokens = new ArrayList<>();
            while (!peek().isOp(")")) {
                Token t = peek();
                if (t.isOp("*") || t.isOp("**")) {
                    throw refusedNow("Starred", t);
                }
                if (t.kind() == Token.Kind.NAME && peek(1).isOp("=") && !KEYWORDS.contains(t.text())) {
                    at += 2;
                    if (names.contains(t.text())) {
                        throw new TemplateException("keyword argument repeated: " + t.text(), t.pos() + 1);
                    }
                    names.add(t.text());
                    keywordTokens.add(t);
                    keywordValues.add(test());
                } else {
                    if (!names.isEmpty()) {
                        throw syntax("positional argument follows keyword argument", t);
                    }
                    positional.add(test());
                    if (peek().isKeyword("for")) {
                        throw refusedNow("GeneratorExp", peek());
                    }
                }
                if (!acceptOp(",")) {
                    break;
                }
            }
            expectOp(")");
            if (!(callee instanceof Expr.Name name)) {
                return new Expr.Refused(open.pos(), "Only named function calls are permitted in templates");
            }
            Functions.Fn fn = Functions.find(name.id);
            if (fn == null) {
                return new Expr.Refused(callee.pos, "Function '" + name.id + "' is not permitted in templates");
            }
            return new Expr.Call(callee.pos, fn, bind(fn, positional, names, keywordValues, keywordTokens, callee));
        } finally {
            leave();
        }
    }

    /** Puts each argument at its parameter's position, refusing what Python would refuse at the call. */
    private static List<Expr> bind(Functions.Fn fn, List<Expr> positional, List<String> names, List<Expr> values,
            List<Token> tokens, Expr callee) {
        int max = fn.params().size();
        if (positional.size() > max) {
            throw new TemplateException(fn.name() + "() takes " + plural(max, "argument") + " but "
                    + positional.size() + " were given; use " + fn.usage(), callee.pos + 1);
        }
        Expr[] bound = new Expr[max];
        for (int i = 0; i < positional.size(); i++) {
            bound[i] = positional.get(i);
        }
        for (int k = 0; k < names.size(); k++) {
            int p = fn.position(names.get(k));
            if (p < 0) {
                throw new TemplateException(fn.name() + "() got an unexpected keyword argument '" + names.get(k)
                        + "'; use " + fn.usage(), tokens.get(k).pos() + 1);
            }
            if (bound[p] != null) {
                throw new TemplateException(fn.name() + "() got multiple values for argument '"
                        + fn.params().get(p).split("\\|")[0] + "'", tokens.get(k).pos() + 1);
            }
            bound[p] = values.get(k);
        }
        for (int i = 0; i < fn.required(); i++) {
            if (bound[i] == null) {
                throw new TemplateException(fn.name() + "() missing required argument '" + fn.params().get(i)
                        + "'; use " + fn.usage(), callee.pos + 1);
            }
        }
        return java.util.Arrays.asList(bound);
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    private Expr atom() {
        Token t = next();
        switch (t.kind()) {
            case NUMBER:
                return new Expr.Const(t.pos(), t.value());
            case STRING:
                return strings(t);
            case NAME:
                return switch (t.text()) {
                    case "True" -> new Expr.Const(t.pos(), Boolean.TRUE);
                    case "False" -> new Expr.Const(t.pos(), Boolean.FALSE);
                    case "None" -> new Expr.Const(t.pos(), null);
                    default -> {
                        if (KEYWORDS.contains(t.text())) {
                            throw syntax("invalid syntax", t);
                        }
                        yield new Expr.Name(t.pos(), t.text());
                    }
                };
            case OP:
                return switch (t.text()) {
                    case "(" -> parenthesized(t);
                    case "[" -> list(t);
                    case "{" -> braces(t);
                    case "..." -> new Expr.Const(t.pos(), PyEllipsis.INSTANCE);
                    default -> throw syntax("invalid syntax", t);
                };
            default:
                throw syntax("invalid syntax", t);
        }
    }

    private Expr strings(Token first) {
        StringBuilder text = new StringBuilder();
        Token t = first;
        while (true) {
            if (t.stringPrefix() == 'f') {
                throw new TemplateException("f-strings are not supported inside templates; use {expr:format_spec}"
                        + " at column " + (t.pos() + 1), t.pos() + 1);
            }
            text.append((String) t.value());
            if (peek().kind() != Token.Kind.STRING) {
                return new Expr.Const(first.pos(), text.toString());
            }
            t = next();
        }
    }

    private Expr parenthesized(Token open) {
        enter(open);
        try {
            if (acceptOp(")")) {
                return new Expr.Display(open.pos(), 't', List.of());
            }
            if (peek().isKeyword("yield")) {
                throw refusedNow("Yield", peek());
            }
            Expr first = testOrStar();
            if (peek().isKeyword("for")) {
                throw refusedNow("GeneratorExp", peek());
            }
            if (acceptOp(")")) {
                return first;
            }
            List<Expr> items = new ArrayList<>(List.of(first));
            while (acceptOp(",")) {
                if (peek().isOp(")")) {
                    break;
                }
                items.add(testOrStar());
            }
            expectOp(")");
            return new Expr.Display(open.pos(), 't', items);
        } finally {
            leave();
        }
    }

    private Expr list(Token open) {
        enter(open);
        try {
            List<Expr> items = new ArrayList<>();
            while (!peek().isOp("]")) {
                items.add(testOrStar());
                if (peek().isKeyword("for")) {
                    throw refusedNow("ListComp", peek());
                }
                if (!acceptOp(",")) {
                    break;
                }
            }
            expectOp("]");
            return new Expr.Display(open.pos(), 'l', items);
        } finally {
            leave();
        }
    }

    private Expr braces(Token open) {
        enter(open);
        try {
            if (acceptOp("}")) {
                return new Expr.Dict(open.pos(), List.of(), List.of());
            }
            if (peek().isOp("**")) {
                throw new TemplateException("dict unpacking (**) is not supported in templates", peek().pos() + 1);
            }
            Expr first = testOrStar();
            if (acceptOp(":")) {
                List<Expr> keys = new ArrayList<>(List.of(first));
                List<Expr> values = new ArrayList<>(List.of(test()));
                if (peek().isKeyword("for")) {
                    throw refusedNow("DictComp", peek());
                }
                while (acceptOp(",")) {
                    if (peek().isOp("}")) {
                        break;
                    }
                    if (peek().isOp("**")) {
                        throw new TemplateException("dict unpacking (**) is not supported in templates",
                                peek().pos() + 1);
                    }
                    keys.add(test());
                    expectOp(":");
                    values.add(test());
                }
                expectOp("}");
                return new Expr.Dict(open.pos(), keys, values);
            }
            if (peek().isKeyword("for")) {
                throw refusedNow("SetComp", peek());
            }
            List<Expr> items = new ArrayList<>(List.of(first));
            while (acceptOp(",")) {
                if (peek().isOp("}")) {
                    break;
                }
                items.add(testOrStar());
            }
            expectOp("}");
            return new Expr.Display(open.pos(), 's', items);
        } finally {
            leave();
        }
    }
}
