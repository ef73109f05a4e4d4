package dev.caravan.batches.python;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code + - * / // % **} and unary {@code + - not}: int results stay exact (past the long range
 * too, up to {@link Limits#MAX_INT_BITS}), {@code /} is true division, {@code //} and {@code %} floor
 * toward negative infinity with the divisor's sign, str and list concatenation and repetition, and the
 * same TypeError and ZeroDivisionError messages.
 */
public final class PyArith {

    private static final long EXACT_DOUBLE = 1L << 53;

    private PyArith() {
    }

    public static Object binary(String op, Object a, Object b, Budget budget) {
        budget.charge(1);
        if (Py.isNumber(a) && Py.isNumber(b)) {
            if (Py.isIntegral(a) && Py.isIntegral(b)) {
                return intOp(op, a, b);
            }
            return floatOp(op, Py.toDouble(a), Py.toDouble(b));
        }
        return switch (op) {
            case "+" -> concat(a, b, budget);
            case "*" -> repeat(a, b, budget);
            case "%" -> {
                if (a instanceof String) {
                    throw PyException.type("printf-style formatting ('%') is not supported in templates;"
                            + " use {expr:format_spec}");
                }
                throw unsupported(op, a, b);
            }
            default -> throw unsupported(op, a, b);
        };
    }

    private static PyException unsupported(String op, Object a, Object b) {
        return PyException.type("unsupported operand type(s) for " + (op.equals("**") ? "** or pow()" : op)
                + ": '" + Py.typeName(a) + "' and '" + Py.typeName(b) + "'");
    }

    private static Object intOp(String op, Object a, Object b) {
        if (Py.fitsLong(a) && Py.fitsLong(b)) {
            long x = Py.asLong(a);
            long y = Py.asLong(b);
            try {
                switch (op) {
                    case "+":
                        return Math.addExact(x, y);
                    case "-":
                        return Math.subtractExact(x, y);
                    case "*":
                        return Math.multiplyExact(x, y);
                    case "//":
                        if (y == 0) {
                            throw new PyException("ZeroDivisionError", "integer division or modulo by zero");
                        }
                        if (x != Long.MIN_VALUE || y != -1) {
                            return Math.floorDiv(x, y);
                        }
                        break;
                    case "%":
                        if (y == 0) {
                            throw new PyException("ZeroDivisionError", "integer modulo by zero");
                        }
                        return Math.floorMod(x, y);
                    case "/":
                        if (y == 0) {
                            throw new PyException("ZeroDivisionError", "division by zero");
                        }
                        if (Math.abs(x) <= EXACT_DOUBLE && Math.abs(y) <= EXACT_DOUBLE) {
                            return (double) x / (double) y;
                        }
                        break;
                    default:
                        break;
                }
            } catch (ArithmeticException overflow) {
                // fall through to BigInteger
            }
        }
        BigInteger x = Py.big(a);
        BigInteger y = Py.big(b);
        return switch (op) {
            case "+" -> Py.intOf(x.add(y));
            case "-" -> Py.intOf(x.subtract(y));
            case "*" -> {
                if (x.bitLength() + y.bitLength() > Limits.MAX_INT_BITS + 1) {
                    throw tooBig();
                }
                yield Py.intOf(x.multiply(y));
            }
            case "//" -> {
                if (y.signum() == 0) {
                    throw new PyException("ZeroDivisionError", "integer division or modulo by zero");
                }
                yield Py.intOf(floorDiv(x, y));
            }
            case "%" -> {
                if (y.signum() == 0) {
                    throw new PyException("ZeroDivisionError", "integer modulo by zero");
                }
                yield Py.intOf(x.subtract(floorDiv(x, y).multiply(y)));
            }
            case "/" -> trueDivide(x, y);
            case "**" -> power(x, y);
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static PyException tooBig() {
        return PyException.limit("integer result too large (more than " + Limits.MAX_INT_BITS + " bits)");
    }

    private static BigInteger floorDiv(BigInteger x, BigInteger y) {
        BigInteger[] qr = x.divideAndRemainder(y);
        if (qr[1].signum() != 0 && qr[1].signum() != y.signum()) {
            return qr[0].subtract(BigInteger.ONE);
        }
        return qr[0];
    }

    private static Object trueDivide(BigInteger x, BigInteger y) {
        if (y.signum() == 0) {
            throw new PyException("ZeroDivisionError", "division by zero");
        }
        double d = new BigDecimal(x).divide(new BigDecimal(y), MathContext.DECIMAL128).doubleValue();
        if (Double.isInfinite(d)) {
            throw new PyException("OverflowError", "integer division result too large for a float");
        }
        return d;
    }

    private static Object power(BigInteger x, BigInteger y) {
        if (y.signum() < 0) {
            double base = Py.toDouble(Py.intOf(x));
            if (base == 0) {
                throw new PyException("ZeroDivisionError", "0.0 cannot be raised to a negative power");
            }
            return floatOp("**", base, y.doubleValue());
        }
        if (x.signum() == 0 || x.abs().equals(BigInteger.ONE)) {
            return Py.intOf(x.signum() < 0 && y.testBit(0) ? x : x.abs().pow(y.signum() == 0 ? 0 : 1));
        }
        // |x| >= 2: the result has at least (bitLength(x) - 1) * y bits; refuse before computing it
        if (y.bitLength() > 31 || (long) (x.abs().bitLength() - 1) * y.longValue() > Limits.MAX_INT_BITS) {
            throw PyException.limit("exponent too large: the result would have more than " + Limits.MAX_INT_BITS
                    + " bits");
        }
        return Py.intOf(x.pow(y.intValue()));
    }

    static Object floatOp(String op, double x, double y) {
        switch (op) {
            case "+":
                return x + y;
            case "-":
                return x - y;
            case "*":
                return x * y;
            case "/":
                if (y == 0) {
                    throw new PyException("ZeroDivisionError", "float division by zero");
                }
                return x / y;
            case "//":
                if (y == 0) {
                    throw new PyException("ZeroDivisionError", "float floor division by zero");
                }
                return divmod(x, y)[0];
            case "%":
                if (y == 0) {
                    throw new PyException("ZeroDivisionError", "float modulo");
                }
                return divmod(x, y)[1];
            case "**":
                return floatPow(x, y);
            default:
                throw new IllegalArgumentException(op);
        }
    }

    /** CPython's float divmod: the remainder takes the divisor's sign, the quotient is floored. */
    private static double[] divmod(double vx, double wx) {
        double mod = vx % wx;
        double div = (vx - mod) / wx;
        if (mod != 0) {
            if ((wx < 0) != (mod < 0)) {
                mod += wx;
                div -= 1.0;
            }
        } else {
            mod = Math.copySign(0.0, wx);
        }
        double floordiv;
        if (div != 0) {
            floordiv = Math.floor(div);
            if (div - floordiv > 0.5) {
                floordiv += 1.0;
            }
        } else {
            floordiv = Math.copySign(0.0, vx / wx);
        }
        return new double[] {floordiv, mod};
    }

    private static double floatPow(double x, double y) {
        if (x == 0 && y < 0) {
            throw new PyException("ZeroDivisionError", "0.0 cannot be raised to a negative power");
        }
        if (x < 0 && y != Math.rint(y) && Double.isFinite(y) && Double.isFinite(x)) {
            throw PyException.value("a negative number raised to a fractional power is a complex number;"
                    + " complex numbers are not supported in templates");
        }
        double r = Math.pow(x, y);
        if (Double.isInfinite(r) && Double.isFinite(x) && Double.isFinite(y)) {
            throw new PyException("OverflowError", "(34, 'Numerical result out of range')");
        }
        return r;
    }

    private static Object concat(Object a, Object b, Budget budget) {
        if (a instanceof String sa) {
            if (b instanceof String sb) {
                checkLength((long) sa.length() + sb.length());
                budget.charge(sa.length() + sb.length());
                return sa + sb;
            }
            throw PyException.type("can only concatenate str (not \"" + Py.typeName(b) + "\") to str");
        }
        if (a instanceof List<?> la) {
            if (b instanceof List<?> lb) {
                return joinItems(la, lb, budget);
            }
            throw PyException.type("can only concatenate list (not \"" + Py.typeName(b) + "\") to list");
        }
        if (a instanceof PyTuple ta) {
            if (b instanceof PyTuple tb) {
                return new PyTuple(joinItems(ta.items(), tb.items(), budget));
            }
            throw PyException.type("can only concatenate tuple (not \"" + Py.typeName(b) + "\") to tuple");
        }
        throw unsupported("+", a, b);
    }

    private static List<Object> joinItems(List<?> a, List<?> b, Budget budget) {
        checkLength((long) a.size() + b.size());
        budget.charge(a.size() + b.size());
        List<Object> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }

    private static Object repeat(Object a, Object b, Budget budget) {
        if (isSequence(a) && Py.isIntegral(b)) {
            return repeatSequence(a, b, budget);
        }
        if (isSequence(b) && Py.isIntegral(a)) {
            return repeatSequence(b, a, budget);
        }
        if (isSequence(a) || isSequence(b)) {
            Object other = isSequence(a) ? b : a;
            throw PyException.type("can't multiply sequence by non-int of type '" + Py.typeName(other) + "'");
        }
        throw unsupported("*", a, b);
    }

    private static boolean isSequence(Object v) {
        return v instanceof String || v instanceof List || v instanceof PyTuple;
    }

    private static Object repeatSequence(Object seq, Object times, Budget budget) {
        long n = Py.fitsLong(times) ? Math.max(0, Py.asLong(times)) : (Py.big(times).signum() < 0 ? 0 : -1);
        if (seq instanceof String s) {
            long size = n < 0 ? Long.MAX_VALUE : s.isEmpty() ? 0 : multiplySaturated(s.length(), n);
            checkLength(size);
            budget.charge(size);
            return s.repeat((int) (s.isEmpty() ? 0 : n));
        }
        List<?> items = seq instanceof PyTuple t ? t.items() : (List<?>) seq;
        long size = n < 0 ? Long.MAX_VALUE : items.isEmpty() ? 0 : multiplySaturated(items.size(), n);
        checkLength(size);
        budget.charge(size);
        List<Object> out = new ArrayList<>((int) size);
        for (long i = 0; i < n && !items.isEmpty(); i++) {
            out.addAll(items);
        }
        return seq instanceof PyTuple ? new PyTuple(out) : out;
    }

    private static long multiplySaturated(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void checkLength(long size) {
        if (size > Limits.MAX_SEQUENCE) {
            throw PyException.limit("result too long (more than " + Limits.MAX_SEQUENCE
                    + " characters or items)");
        }
    }

    public static Object negate(Object v) {
        if (Py.isIntegral(v)) {
            if (Py.fitsLong(v) && Py.asLong(v) != Long.MIN_VALUE) {
                return -Py.asLong(v);
            }
            return Py.intOf(Py.big(v).negate());
        }
        if (Py.isFloat(v)) {
            return -((Number) v).doubleValue();
        }
        throw PyException.type("bad operand type for unary -: '" + Py.typeName(v) + "'");
    }

    public static Object plus(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (Py.isNumber(v)) {
            return v;
        }
        throw PyException.type("bad operand type for unary +: '" + Py.typeName(v) + "'");
    }
}
