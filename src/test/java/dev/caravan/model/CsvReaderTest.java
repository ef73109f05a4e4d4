package dev.caravan.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The RFC 4180 reader on its own: fields, line numbers, strictness. */
class CsvReaderTest {

    private static List<CsvReader.Record> read(String text) {
        return CsvReader.read(text, "t.csv");
    }

    @Test
    void splitsOnCommasAndAnyLineBreak() {
        assertThat(read("a,b\r\nc,d\ne,f\rg,h"))
                .containsExactly(rec(1, "a", "b"), rec(2, "c", "d"), rec(3, "e", "f"), rec(4, "g", "h"));
    }

    @Test
    void quotedFieldsKeepCommasDoubledQuotesAndLineBreaks() {
        assertThat(read("\"a,1\",\"say \"\"x\"\"\",\"l1\r\nl2\nl3\"\nnext,\"\",\"\"\"\""))
                .containsExactly(rec(1, "a,1", "say \"x\"", "l1\r\nl2\nl3"), rec(4, "next", "", "\""));
    }

    @Test
    void emptyFieldsAndTrailingCommasCount() {
        assertThat(read(",a,\n,,\n")).containsExactly(rec(1, "", "a", ""), rec(2, "", "", ""));
    }

    @Test
    void emptyLinesAndAByteOrderMarkAreSkippedButLinesStillCounted() {
        assertThat(read("\uFEFFh\r\n\r\n\nv\n\n")).containsExactly(rec(1, "h"), rec(4, "v"));
    }

    @Test
    void spacesAreKept() {
        assertThat(read(" a , b ")).containsExactly(rec(1, " a ", " b "));
    }

    @Test
    void strictAboutStrayQuotes() {
        assertThatThrownBy(() -> read("a,b\nx\"y,z\n")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("t.csv, line 2").hasMessageContaining("quote inside an unquoted field");
        assertThatThrownBy(() -> read("a,b\n\"x\"y,z\n")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("t.csv, line 2").hasMessageContaining("after a closing quote");
        assertThatThrownBy(() -> read("a,b\n\"x\n\ny,z\n")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("t.csv, line 2").hasMessageContaining("unterminated quote");
    }

    @Test
    void tableChecksTheHeaderAndEveryRowWidth() {
        CsvReader.Table t = CsvReader.readTable("id,name\n1,\"a\nb\"\n2,c\n", "t.csv");
        assertThat(t.header()).containsExactly("id", "name");
        assertThat(t.rows()).containsExactly(rec(2, "1", "a\nb"), rec(4, "2", "c"));
        assertThatThrownBy(() -> CsvReader.readTable("id,name\n1,a,x\n", "t.csv"))
                .hasMessageContaining("t.csv, line 2: 3 fields, but the header (line 1) has 2");
        assertThatThrownBy(() -> CsvReader.readTable("", "t.csv")).hasMessageContaining("empty");
    }

    private static CsvReader.Record rec(int line, String... fields) {
        return new CsvReader.Record(line, List.of(fields));
    }
}
