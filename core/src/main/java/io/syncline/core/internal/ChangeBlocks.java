package io.syncline.core.internal;

import io.syncline.core.CellChange;
import io.syncline.core.Change;
import io.syncline.core.Stamp;
import io.syncline.core.ValueChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Encodes and decodes lists of {@link Change} objects as a change block. */
public final class ChangeBlocks {
  private ChangeBlocks() {}

  public static void write(ByteWriter w, List<? extends Change> changes) {
    LinkedHashMap<String, LinkedHashMap<String, List<CellChange>>> tables = new LinkedHashMap<>();
    List<ValueChange> values = new ArrayList<>();
    LinkedHashSet<Integer> clients = new LinkedHashSet<>();
    for (Change c : changes) {
      clients.add(c.stamp().clientId());
      if (c instanceof CellChange cc) {
        tables.computeIfAbsent(cc.table(), k -> new LinkedHashMap<>())
            .computeIfAbsent(cc.row(), k -> new ArrayList<>()).add(cc);
      } else {
        values.add((ValueChange) c);
      }
    }
    ChangeEncoder enc = new ChangeEncoder(w);
    int[] ids = new int[clients.size()];
    int n = 0;
    for (int id : clients) {
      ids[n++] = id;
    }
    enc.clients(ids, n);
    w.writeVarint(tables.size());
    for (Map.Entry<String, LinkedHashMap<String, List<CellChange>>> t : tables.entrySet()) {
      enc.table(t.getKey(), ChangeEncoder.LAYOUT_ROWS);
      LinkedHashMap<String, Integer> cols = new LinkedHashMap<>();
      for (List<CellChange> row : t.getValue().values()) {
        for (CellChange cc : row) {
          cols.putIfAbsent(cc.cell(), cols.size());
        }
      }
      w.writeVarint(cols.size());
      for (String cell : cols.keySet()) {
        w.writeString(cell);
      }
      w.writeVarint(t.getValue().size());
      for (Map.Entry<String, List<CellChange>> row : t.getValue().entrySet()) {
        enc.rowId(row.getKey());
        w.writeVarint(row.getValue().size());
        for (CellChange cc : row.getValue()) {
          w.writeVarint(cols.get(cc.cell()));
          writeBody(enc, cc.value(), cc.stamp());
        }
      }
    }
    w.writeVarint(values.size());
    for (ValueChange vc : values) {
      w.writeString(vc.id());
      writeBody(enc, vc.value(), vc.stamp());
    }
  }

  private static void writeBody(ChangeEncoder enc, Object value, Stamp stamp) {
    byte kind = value == null ? Values.TOMBSTONE : Values.kindOrError(value);
    if (kind < 0) {
      throw new IllegalArgumentException("Cannot encode the value " + value + " (stamp " + stamp + ")");
    }
    // JSON trees in changes are already normalized immutable copies; encode them as they are
    enc.cell(kind, value == null ? 0 : Values.bitsOf(value, kind), kind == Values.STRING || kind == Values.JSON ? value : null,
        stamp.hi(), stamp.lo());
  }

  /** Decodes a change block of the given format version into change objects. */
  public static List<Change> read(ByteReader r, int version) {
    List<Change> out = new ArrayList<>();
    new ChangeDecoder(r, version).read(new ChangeDecoder.Visitor() {
      String table;
      String[] cells;
      final List<String> rows = new ArrayList<>();

      @Override
      public void table(String tableId, String[] cellIds, int rowCount, boolean byColumn) {
        table = tableId;
        cells = cellIds;
        rows.clear();
      }

      @Override
      public void row(String rowId) {
        rows.add(rowId);
      }

      @Override
      public void cell(int row, int col, byte kind, long bits, Object ref, long hi, int lo) {
        out.add(new CellChange(table, rows.get(row), cells[col], Values.toObject(kind, bits, ref),
            Stamp.unpack(hi, lo)));
      }

      @Override
      public void value(String valueId, byte kind, long bits, Object ref, long hi, int lo) {
        out.add(new ValueChange(valueId, Values.toObject(kind, bits, ref), Stamp.unpack(hi, lo)));
      }
    });
    return out;
  }
}
