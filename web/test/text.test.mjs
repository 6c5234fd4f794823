// The null-safe text helpers and the household table's normalisation, on the kinds of
// values imported data gives: missing codes, names, addresses, units and floors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DASH, present, text, compareText, by, placeName, buildingName, shortCode, formatAddress } from "../src/text.js";
import { householdGrid, shortRoom } from "../src/building.js";

test("present and text treat null, undefined, NaN and blank text as missing", () => {
  for (const v of [null, undefined, NaN, "", "  "]) {
    assert.equal(present(v), false, String(v));
    assert.equal(text(v), DASH);
  }
  assert.equal(text(null, "x"), "x");
  for (const [v, s] of [[0, "0"], ["a", "a"], [12, "12"], [false, "false"]]) assert.equal(text(v), s);
});

test("compareText sorts missing values last, numbers by value, text numerically", () => {
  // (Array.prototype.sort puts undefined last by itself, without asking the comparator.)
  assert.deepEqual([null, "b", "", "a", NaN].sort(compareText), ["a", "b", null, "", NaN]);
  assert.equal(compareText(undefined, "a"), 1);
  assert.equal(compareText("a", undefined), -1);
  assert.deepEqual(["10", "9", "2"].sort(compareText), ["2", "9", "10"]);
  assert.deepEqual([10, 2, null, 1].sort(compareText), [1, 2, 10, null]);
  assert.deepEqual(["第10网格", "第2网格"].sort(compareText), ["第2网格", "第10网格"]);
  assert.equal(compareText(null, null), 0);
  assert.doesNotThrow(() => [{}, 3, "x", null, [1]].sort(compareText));
});

test("by compares by each key in turn, with missing keys last", () => {
  const communities = [
    { id: 3, code: null, name: "residential w3" },
    { id: 1, code: "510199001", name: "青松社区" },
    { id: 2, code: null, name: null },
    { id: 4, code: null, name: "Pääskynen" },
  ];
  assert.deepEqual(communities.sort(by((c) => c.code, (c) => c.name, (c) => c.id)).map((c) => c.id), [1, 4, 3, 2]);
});

test("names fall back to the code, then the id", () => {
  assert.equal(placeName({ id: 5, code: "W1001", name: "A 第1网格" }), "A 第1网格");
  assert.equal(placeName({ id: 5, code: "W1001", name: null }), "W1001");
  assert.equal(placeName({ id: 5, code: null, name: "" }), "#5");
  assert.equal(placeName(null), DASH);
  assert.equal(buildingName({ id: 7, name: null }), "#7");
  assert.equal(buildingName({ id: 7, name: "Ateneum" }), "Ateneum");
  assert.equal(buildingName(undefined), DASH);
  assert.equal(shortCode("510199001001005"), "005");
  assert.equal(shortCode(null), DASH);
  assert.equal(shortCode(12), "12");
});

test("addresses are written as their script writes them, any part missing", () => {
  assert.equal(formatAddress({ road: "锦官路", house_number: "66", compound: "金桂名都", building_no: "1" }), "锦官路66号 金桂名都1栋");
  assert.equal(formatAddress({ road: "张杨路", house_number: "628弄4-7号", compound: null, building_no: null }), "张杨路628弄4-7号");
  assert.equal(formatAddress({ road: "Mannerheimintie", house_number: "12", compound: null, building_no: null }), "Mannerheimintie 12");
  assert.equal(formatAddress({ road: null, house_number: "3", compound: "清华园铁路宿舍", building_no: null }), "3号 清华园铁路宿舍");
  assert.equal(formatAddress({ road: null, house_number: null, compound: null, building_no: null }), "");
  assert.equal(formatAddress(null), "");
  assert.equal(formatAddress(undefined), "");
  assert.equal(formatAddress({ road: "Kaivokatu" }), "Kaivokatu");
});

test("the household table keeps households without unit or floor, last", () => {
  const grid = householdGrid({
    household_records: [
      { id: 1, unit: 1, floor: 1, room: "1-101" },
      { id: 2, unit: 2, floor: 3, room: "2-302" },
      { id: 3, unit: 2, floor: 3, room: "2-301" },
      { id: 4, unit: null, floor: null, room: "地下室" },
      { id: 5, unit: 1, floor: null, room: null },
    ],
  });
  assert.deepEqual(grid.units, [1, 2, null]);
  assert.deepEqual(grid.floors, [3, 1, null]);
  assert.deepEqual(grid.at(2, 3).map((r) => r.id), [3, 2]);
  assert.deepEqual(grid.at(null, null).map((r) => r.id), [4]);
  assert.deepEqual(grid.at(1, null).map((r) => r.id), [5]);
  assert.deepEqual(grid.at(1, 3), []);
});

test("the household table reads the API's table (cells[floor][unit]) when there are no records", () => {
  const grid = householdGrid({
    household_records: [],
    table: {
      units: [1, 2],
      floors: [2, 1],
      cells: [
        [[{ id: 1, room: "1-201", size: 3 }], []],
        [[], [{ id: 2, room: "2-101", size: 1 }]],
      ],
    },
  });
  assert.deepEqual(grid.units, [1, 2]);
  assert.deepEqual(grid.floors, [2, 1]);
  assert.deepEqual(grid.at(1, 2).map((r) => [r.id, r.residents]), [[1, 3]]);
  assert.deepEqual(grid.at(2, 1).map((r) => r.id), [2]);
});

test("a building without households, floors or units gives an empty table, not an error", () => {
  for (const props of [{}, null, undefined, { household_records: null, table: null }, { table: { units: [], floors: [], cells: [] } }]) {
    const grid = householdGrid(props);
    assert.deepEqual([grid.units, grid.floors, grid.cells.size], [[], [], 0]);
  }
  assert.equal(shortRoom("1-2-501"), "501");
  assert.equal(shortRoom(null), DASH);
});
