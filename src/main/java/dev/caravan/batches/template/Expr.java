package dev.caravan.batches.template;

import dev.caravan.batches.python.Py;
import dev.caravan.batches.python.PyArith;
import dev.caravan.batches.python.PySet;
import dev.caravan.batches.python.PySlice;
import dev.caravan.batches.python.PySubscript;
import dev.caravan.batches.python.PyTuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed template expression. Nodes mirror Python's ast classes; {@link #check()} walks them in the
 * order WEPPcloud's validator does (a node, then its children in ast field order) and raises the first
 * refusal with WEPPcloud's wording, so a template is refused before any feature is evaluated.
 */
abstract class Expr {

    final int pos;

    Expr(int pos) {
        this.pos = pos;
    }

    abstract Object eval(Scope s);

    abstract void check();

    static TemplateException refuse(String message, int pos) {
        return new TemplateException(message, pos + 1);
    }

    static void checkAll(List<? extends Expr> nodes) {
        for (Expr e : nodes) {
            e.check();
        }
    }

    static List<Object> evalAll(List<Expr> nodes, Scope s) {
        List<Object> out = new ArrayList<>(nodes.size());
        for (Expr e : nodes) {
            out.add(e.eval(s));
        }
        return out;
    }

    static final class Const extends Expr {
        final Object value;

        Const(int pos, Object value) {
            super(pos);
            this.value = value;
        }

        @Override
        Object eval(Scope s) {
            return value;
        }

        @Override
        void check() {
        }
    }

    static final class Name extends Expr {
        final String id;
        final int slot;

        Name(int pos, String id) {
            super(pos);
            this.id = id;
            this.slot = Names.slot(id);
        }

        @Override
        Object eval(Scope s) {
            s.budget.charge(1);
            return s.values[slot];
        }

        @Override
        void check() {
            if (slot >= 0) {
                return;
            }
            if (Functions.find(id) != null) {
                throw refuse("Function '" + id + "' must be called in templates, as " + id + "(...)", pos);
            }
            throw refuse("Unknown name '" + id + "' in template expression", pos);
        }
    }

    static final class BinOp extends Expr {
        final String op;
        final Expr left;
        final Expr right;

        BinOp(int pos, String op, Expr left, Expr right) {
            super(pos);
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        Object eval(Scope s) {
            return PyArith.binary(op, left.eval(s), right.eval(s), s.budget);
        }

        @Override
        void check() {
            if (!List.of("+", "-", "*", "/", "//", "%", "**").contains(op)) {
                throw refuse("Binary operator not permitted in template expression", pos);
            }
            left.check();
            right.check();
        }
    }

    static final class UnaryOp extends Expr {
        final String op;
        final Expr operand;

        UnaryOp(int pos, String op, Expr operand) {
            super(pos);
            this.op = op;
            this.operand = operand;
        }

        @Override
        Object eval(Scope s) {
            Object v = operand.eval(s);
            s.budget.charge(1);
            return switch (op) {
                case "-" -> PyArith.negate(v);
                case "+" -> PyArith.plus(v);
                default -> !Py.truthy(v);
            };
        }

        @Override
        void check() {
            if (op.equals("~")) {
                throw refuse("Unary operator not permitted in template expression", pos);
            }
            operand.check();
        }
    }

    static final class BoolOp extends Expr {
        final boolean and;
        final List<Expr> values;

        BoolOp(int pos, boolean and, List<Expr> values) {
            super(pos);
            this.and = and;
            this.values = values;
        }

        @Override
        Object eval(Scope s) {
            Object v = null;
            for (Expr e : values) {
                v = e.eval(s);
                if (Py.truthy(v) != and) {
                    return v;
                }
            }
            return v;
        }

        @Override
        void check() {
            checkAll(values);
        }
    }

    static final class Compare extends Expr {
        final Expr left;
        final List<String> ops;
        final List<Expr> rights;

        Compare(int pos, Expr left, List<String> ops, List<Expr> rights) {
            super(pos);
            this.left = left;
            this.ops = ops;
            this.rights = rights;
        }

        @Override
        Object eval(Scope s) {
            Object a = left.eval(s);
            for (int i = 0; i < ops.size(); i++) {
                Object b = rights.get(i).eval(s);
                if (!compare(ops.get(i), a, b, s)) {
                    return false;
                }
                a = b;
            }
            return true;
        }

        private static boolean compare(String op, Object a, Object b, Scope s) {
            return switch (op) {
                case "==" -> Py.eq(a, b, s.budget);
                case "!=" -> !Py.eq(a, b, s.budget);
                case "in" -> Py.contains(b, a, s.budget);
                case "not in" -> !Py.contains(b, a, s.budget);
                default -> Py.order(op, a, b, s.budget);
            };
        }

        @Override
        void check() {
            if (ops.contains("is") || ops.contains("is not")) {
                throw refuse("Comparison operator not permitted in template expression", pos);
            }
            left.check();
            checkAll(rights);
        }
    }

    static final class IfExp extends Expr {
        final Expr test;
        final Expr body;
        final Expr orelse;

        IfExp(int pos, Expr test, Expr body, Expr orelse) {
            super(pos);
            this.test = test;
            this.body = body;
            this.orelse = orelse;
        }

        @Override
        Object eval(Scope s) {
            return Py.truthy(test.eval(s)) ? body.eval(s) : orelse.eval(s);
        }

        @Override
        void check() {
            test.check();
            body.check();
            orelse.check();
        }
    }

    static final class Subscript extends Expr {
        final Expr value;
        final Expr index;

        Subscript(int pos, Expr value, Expr index) {
            super(pos);
            this.value = value;
            this.index = index;
        }

        @Override
        Object eval(Scope s) {
            return PySubscript.get(value.eval(s), index.eval(s), s.budget);
        }

        @Override
        void check() {
            value.check();
            index.check();
        }
    }

    static final class Slice extends Expr {
        final Expr lower;
        final Expr upper;
        final Expr step;

        Slice(int pos, Expr lower, Expr upper, Expr step) {
            super(pos);
            this.lower = lower;
            this.upper = upper;
            this.step = step;
        }

        @Override
        Object eval(Scope s) {
            return new PySlice(lower == null ? null : lower.eval(s), upper == null ? null : upper.eval(s),
                    step == null ? null : step.eval(s));
        }

        @Override
        void check() {
            for (Expr e : new Expr[] {lower, upper, step}) {
                if (e != null) {
                    e.check();
                }
            }
        }
    }

    /** A list, tuple or set display. */
    static final class Display extends Expr {
        final char kind;
        final List<Expr> elts;

        Display(int pos, char kind, List<Expr> elts) {
            super(pos);
            this.kind = kind;
            this.elts = elts;
        }

        @Override
        Object eval(Scope s) {
            s.budget.charge(elts.size());
            List<Object> items = evalAll(elts, s);
            return switch (kind) {
                case 'l' -> items;
                case 't' -> new PyTuple(items);
                default -> {
                    List<Object> unique = new ArrayList<>();
                    for (Object item : items) {
                        Py.requireHashable(item);
                        if (unique.stream().noneMatch(u -> Py.eq(u, item, s.budget))) {
                            unique.add(item);
                        }
                    }
                    yield new PySet(unique);
                }
            };
        }

        @Override
        void check() {
            checkAll(elts);
        }
    }

    static final class Dict extends Expr {
        final List<Expr> keys;
        final List<Expr> values;

        Dict(int pos, List<Expr> keys, List<Expr> values) {
            super(pos);
            this.keys = keys;
            this.values = values;
        }

        @Override
        Object eval(Scope s) {
            s.budget.charge(keys.size());
            Map<Object, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                Object k = keys.get(i).eval(s);
                Object v = values.get(i).eval(s);
                Py.requireHashable(k);
                Object existing = null;
                for (Object key : out.keySet()) {
                    if (Py.eq(key, k, s.budget)) {
                        existing = key;
                        break;
                    }
                }
                // Python keeps the first key and the last value
                out.put(existing != null ? existing : k, v);
            }
            return out;
        }

        @Override
        void check() {
            checkAll(keys);
            checkAll(values);
        }
    }

    static final class Call extends Expr {
        final Functions.Fn function;
        final List<Expr> args;

        Call(int pos, Functions.Fn function, List<Expr> args) {
            super(pos);
            this.function = function;
            this.args = args;
        }

        @Override
        Object eval(Scope s) {
            s.budget.charge(1);
            Object[] values = new Object[args.size()];
            for (int i = 0; i < values.length; i++) {
                Expr a = args.get(i);
                values[i] = a == null ? Functions.ABSENT : a.eval(s);
            }
            return function.call(values, s.budget);
        }

        @Override
        void check() {
            for (Expr a : args) {
                if (a != null) {
                    a.check();
                }
            }
        }
    }

    /** What WEPPcloud refuses at this node, found while parsing: checked in walk order like the rest. */
    static final class Refused extends Expr {
        final String message;

        Refused(int pos, String message) {
            super(pos);
            this.message = message;
        }

        @Override
        Object eval(Scope s) {
            throw new IllegalStateException(message);
        }

        @Override
        void check() {
            throw refuse(message, pos);
        }
    }
}
