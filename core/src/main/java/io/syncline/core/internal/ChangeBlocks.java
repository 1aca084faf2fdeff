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
    int[] ids = clients.stream().mapToInt(Integer::intValue).toArray();
    enc.clients(ids, ids.length);
    w.writeVarint(tables.size());
    for (Map.Entry<String, LinkedHashMap<String, List<CellChange>>> t : tables.entrySet()) {
      w.writeString(t.getKey());
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
        w.writeString(row.getKey());
        w.writeVarint(row.getValue().size());
        for (CellChange cc : row.getValue()) {
          w.writeVarint(cols.get(cc.cell()));
          writeBody(enc, cc.value(), cc.stamp(), cc.table() + "/" + cc.row() + "/" + cc.cell());
        }
      }
    }
    w.writeVarint(values.size());
    for (ValueChange vc : values) {
      w.writeString(vc.id());
      writeBody(enc, vc.value(), vc.stamp(), "value " + vc.id());
    }
  }

  private static void writeBody(ChangeEncoder enc, Object value, Stamp stamp, String where) {
    byte kind = value == null ? Values.TOMBSTONE : Values.kindOf(value, where);
    enc.cell(kind, value == null ? 0 : Values.bitsOf(value, kind), value == null ? null : Values.refOf(value, kind, where),
        stamp.hi(), stamp.lo());
  }

  /** Decodes a change block into change objects. */
  public static List<Change> read(ByteReader r) {
    List<Change> out = new ArrayList<>();
    new ChangeDecoder(r).read(new ChangeDecoder.Visitor() {
      String table;
      String[] cells;
      String row;

      @Override
      public void table(String tableId, String[] cellIds, int rowCount) {
        table = tableId;
        cells = cellIds;
      }

      @Override
      public void row(String rowId, int cellCount) {
        row = rowId;
      }

      @Override
      public void cell(int col, byte kind, long bits, Object ref, long hi, int lo) {
        out.add(new CellChange(table, row, cells[col], Values.toObject(kind, bits, ref), Stamp.unpack(hi, lo)));
      }

      @Override
      public void value(String valueId, byte kind, long bits, Object ref, long hi, int lo) {
        out.add(new ValueChange(valueId, Values.toObject(kind, bits, ref), Stamp.unpack(hi, lo)));
      }
    });
    return out;
  }
}
