"""avss.lave from outside the notebook: the offline mapper on the three class lists an outside check uses, the release's
parsing, the prompts, and the mapper registry (fast: WordNet + MiniLM, no language model)."""
import pytest
import fastcore.test as ft

from avss.core import AvssError
from avss.datasets import ADE150_CLASSES, ADE847_CLASSES, CITYSCAPES_CLASSES, CONTEXT459_CLASSES, CONTEXT59_CLASSES, VOC_CLASSES
from avss.lave import (EmbeddingMapper, ExactMapper, MAPPERS, lave_prompt, make_mapper, mapper_names, parse_reply_official,
                       noun_senses, register_mapper)


def test_embedding_mapper_cityscapes_conventions():
    got = EmbeddingMapper(CITYSCAPES_CLASSES, background="background").map(
        ["hedge", "trees", "lawn", "lamp post", "stop sign", "pickup truck", "cyclist", "trash can", "street"])
    assert got == {"hedge": "vegetation", "trees": "vegetation", "lawn": "terrain", "lamp post": "pole",
                   "stop sign": "traffic sign", "pickup truck": "truck", "cyclist": "rider", "trash can": "background",
                   "street": "road"}


def test_embedding_mapper_ade_and_context():
    ade = EmbeddingMapper(ADE150_CLASSES, background="background").map(["trash can", "dresser", "kitten", "couch", "ocean"])
    assert ade == {"trash can": "ashcan", "dresser": "chest of drawers", "kitten": "animal", "couch": "sofa", "ocean": "sea"}
    ctx = EmbeddingMapper(CONTEXT59_CLASSES, background="background").map(["railway", "tablecloth", "puppy", "giraffe"])
    assert ctx == {"railway": "track", "tablecloth": "cloth", "puppy": "dog", "giraffe": "background"}
    assert EmbeddingMapper(ADE847_CLASSES).map(["kitten"]) == {"kitten": "cat"}


def test_explain_rows_name_rule_and_evidence():
    rows = EmbeddingMapper(VOC_CLASSES).explain(["dog", "taxi", "kitten", "giraffe", "dog"])
    assert [r["name"] for r in rows] == ["dog", "taxi", "kitten", "giraffe"]            # unique, in order
    assert [r["rule"] for r in rows] == ["exact", "hypernym", "hypernym", "background"]
    assert "car.n.01" in rows[1]["evidence"] and "cat.n.01" in rows[2]["evidence"]
    assert all({"name", "class", "rule", "evidence", "similarity"} <= set(r) for r in rows)


def test_mapper_on_any_class_list():
    m = EmbeddingMapper(["animal", "vehicle", "furniture"], background="none")
    assert m.convention is None
    assert m.map(["puppy", "taxi", "armchair", "cloud"]) == {"puppy": "animal", "taxi": "vehicle", "armchair": "furniture",
                                                              "cloud": "none"}


def test_sense_costs_and_compounds():
    "Visible senses first (the tree, not the wood; the mat, not the weakling), compounds read through head or modifier."
    ade = EmbeddingMapper(ADE150_CLASSES, background="background")
    rows = {r["name"]: r for r in ade.explain(["birch", "woman walking", "rocky area", "mountainside", "cat sleeping"])}
    assert {n: r["class"] for n, r in rows.items()} == {"birch": "tree", "woman walking": "person", "rocky area": "rock",
                                                        "mountainside": "mountain", "cat sleeping": "animal"}
    assert rows["rocky area"]["evidence"].startswith("modifier rocky") and "gloss" in rows["mountainside"]["evidence"]
    assert EmbeddingMapper(CONTEXT59_CLASSES).map(["oak"]) == {"oak": "tree"}   # not the wood (Context-59 has a wood class)
    assert EmbeddingMapper(ADE150_CLASSES).map(["duck"]) == {"duck": "animal"}   # the bird, not its meat (food is a class)
    tulip = EmbeddingMapper(CONTEXT59_CLASSES).explain(["tulip"])[0]                 # no class above: its gloss names a flower
    assert (tulip["class"], tulip["rule"]) == ("flower", "gloss") and "flower" in tulip["evidence"]
    cs = EmbeddingMapper(CITYSCAPES_CLASSES, background="background")
    assert cs.map(["grassy area", "tree trunk", "bus stop"]) == {"grassy area": "terrain", "tree trunk": "vegetation",
                                                                "bus stop": "background"}   # a stop is no bus


def test_context59_drops_other_459_classes():
    "Context-59 keeps 59 of the 459 classes: a name that is one of the other 400 (or its plural) is background, a kept one is not."
    rows = {r["name"]: r for r in EmbeddingMapper(CONTEXT59_CLASSES, background="background").explain(
        ["laptop", "ducks", "cake", "light bulb", "computer", "puppy", "oak"])}
    assert {n: r["class"] for n, r in rows.items()} == {"laptop": "background", "ducks": "background", "cake": "background",
        "light bulb": "background", "computer": "computer", "puppy": "dog", "oak": "tree"}
    assert rows["ducks"]["evidence"].startswith("duck:") and rows["laptop"]["rule"] == "background"
    assert EmbeddingMapper(CONTEXT459_CLASSES).map(["laptop", "duck"]) == {"laptop": "laptop", "duck": "duck"}
    assert EmbeddingMapper(ADE150_CLASSES).map(["laptop"]) == {"laptop": "computer"}      # no superset rule for ADE-150


def test_gloss_genus_person_only_for_people():
    "'a white or silvered surface' (a screen) has no person for its genus; 'a young person' (a youngster) does."
    from avss.core import wordnet
    from avss.lave import gloss_genus
    assert gloss_genus(wordnet().synset("screen.n.01")) is None
    assert gloss_genus(wordnet().synset("child.n.01")).lexname() == "noun.person"
    assert EmbeddingMapper(VOC_CLASSES).map(["flat screen"]) != {"flat screen": "person"}


def test_unseen_names_level(tmp_path):
    "The chapter's outside check in small: its unseen names for the three lists an outside check uses, at the level reached."
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]/"nbs"/"data"/"lave"
    for name, classes in (("ade150", ADE150_CLASSES), ("cityscapes", CITYSCAPES_CLASSES), ("context59", CONTEXT59_CLASSES)):
        pairs = [l.rstrip("\n").split("\t") for l in open(root/f"unseen_{name}.tsv", encoding="utf-8") if not l.startswith("#")]
        got = EmbeddingMapper(classes, background="background").map([n for n, _ in pairs])
        acc = sum(got[n] == c for n, c in pairs) / len(pairs)
        assert acc >= 0.87, (name, acc)     # reached 0.897-0.904 in round five, 0.897-0.926 now (chapter 12), less 0.02; the target is 0.85


def test_fourth_round_rules():
    "Unranked senses, object-modified compounds, places covered by stuff, groups of people, siblings, tree parts, comparisons, joined words."
    cs = {r["name"]: r for r in EmbeddingMapper(CITYSCAPES_CLASSES, background="background").explain(["bikes", "tree trunk", "grassland"])}
    assert {n: r["class"] for n, r in cs.items()} == {"bikes": "bicycle", "tree trunk": "vegetation", "grassland": "terrain"}
    assert cs["tree trunk"]["rule"] == "part" and cs["grassland"]["rule"] == "gloss"
    assert EmbeddingMapper(CITYSCAPES_CLASSES).map(["touring bike", "dirt bike"]) == {"touring bike": "bicycle", "dirt bike": "motorcycle"}
    ade = {r["name"]: r for r in EmbeddingMapper(ADE150_CLASSES, background="background").explain(["extractor hood", "crowd", "recycling bin"])}
    assert {n: r["class"] for n, r in ade.items()} == {"extractor hood": "hood", "crowd": "person", "recycling bin": "ashcan"}
    assert ade["recycling bin"]["rule"] == "sibling" and "bin.n.01" in ade["recycling bin"]["evidence"]
    assert EmbeddingMapper(CONTEXT59_CLASSES).map(["meadow", "crowd", "textbook"]) == {"meadow": "grass", "crowd": "person",
                                                                                      "textbook": "book"}
    assert EmbeddingMapper(VOC_CLASSES).map(["goat"]) == {"goat": "background"}       # "related to sheep" is no sheep


def test_parse_reply_official():
    assert parse_reply_official("'horse' or 'cow'", "calf", VOC_CLASSES) == "cow"        # class order, deterministic
    assert parse_reply_official("'a' 'sheep' 'cow' 'horse' 'dog'", "lamb", VOC_CLASSES) == "background"
    assert parse_reply_official("no idea", "woman", VOC_CLASSES) == "person"
    assert parse_reply_official("no idea", "man", VOC_CLASSES) == "background"


def test_official_prompts():
    assert "ADE20K-847 dataset" in lave_prompt("cup", ADE847_CLASSES, official=True)
    assert "PASCAL-Context-459 dataset" in lave_prompt("cup", CONTEXT459_CLASSES, official=True)
    assert "'potted plant'" in lave_prompt("cup", VOC_CLASSES, official=True)


def test_registry():
    assert {"exact", "embedding", "llm"} <= set(mapper_names())
    assert isinstance(make_mapper("exact", VOC_CLASSES), ExactMapper)
    ft.test_fail(lambda: make_mapper("nope", VOC_CLASSES), contains="unknown mapper 'nope'")
    ft.test_fail(lambda: make_mapper("llm", VOC_CLASSES), contains="needs a model")
    register_mapper("const")(lambda classes, model=None, cache_path=None, **kw: ExactMapper(classes))
    try: assert isinstance(make_mapper("const", VOC_CLASSES), ExactMapper)
    finally: del MAPPERS["const"]


def test_sixth_and_seventh_round_rules():
    "Near class names for weak decisions, not for species or a modifier's class; built structures; class senses; compound heads."
    c459 = {r["name"]: r for r in EmbeddingMapper(CONTEXT459_CLASSES, background="background").explain(["high heels", "iphone", "coat rack"])}
    assert {n: r["class"] for n, r in c459.items()} == {"high heels": "shoe", "iphone": "cell phone",   # not the near name "coat";
                                                        "coat rack": "clothes tree"}   # round 24: the class's own sense (a coat rack)
    assert c459["iphone"]["rule"] == "name" and "cell phone" in c459["iphone"]["evidence"]   # not in WordNet: the name decides
    ade = EmbeddingMapper(ADE150_CLASSES, background="background").map(["pillowcase", "lampshade", "coffee mug", "teapot"])
    assert ade == {"pillowcase": "pillow", "lampshade": "lamp", "coffee mug": "background",   # a coffee mug is no coffee table,
                   "teapot": "background"}                                                  # a known teapot only looks like ADE's "pot"
    assert EmbeddingMapper(VOC_CLASSES).map(["goat", "donkey", "black cat"]) == {"goat": "background", "donkey": "background",
                                                                                "black cat": "cat"}   # species stay apart
    cs = EmbeddingMapper(CITYSCAPES_CLASSES, background="background").map(["apartments", "warehouse", "factory", "bike rack", "bike rider"])
    assert cs == {"apartments": "building", "warehouse": "building", "factory": "building", "bike rack": "background",
                  "bike rider": "rider"}
    assert EmbeddingMapper(ADE847_CLASSES).map(["coffee mug"]) == {"coffee mug": "mug"}        # the class "mug" is the vessel, not a chump


def test_phrase_heads_riders_and_plural_counts():
    "A postmodified phrase is its head; Cityscapes' person on a two-wheeler is a rider; sense counts of a plural are its singular's."
    cs = EmbeddingMapper(CITYSCAPES_CLASSES, background="background").explain(
        ["man on a bicycle", "girl riding a scooter", "man crossing the street", "people walking", "no parking sign", "bike rider"])
    assert {r["name"]: r["class"] for r in cs} == {"man on a bicycle": "rider", "girl riding a scooter": "rider",
                                                    "man crossing the street": "person", "people walking": "person",
                                                    "no parking sign": "traffic sign", "bike rider": "rider"}
    assert cs[0]["rule"] == "convention" and "bicycle" in cs[0]["evidence"]
    assert EmbeddingMapper(VOC_CLASSES).map(["man on a bicycle", "bottle of wine", "dog on a leash"]) == {
        "man on a bicycle": "person", "bottle of wine": "bottle", "dog on a leash": "dog"}   # no rider class: the person
    assert EmbeddingMapper(CONTEXT59_CLASSES, background="background").map(["cup of tea", "spectators", "flight of stairs"]) == {
        "cup of tea": "cup", "spectators": "person", "flight of stairs": "background"}   # Context-59 drops stairs
    assert EmbeddingMapper(ADE150_CLASSES).map(["chest of drawers"]) == {"chest of drawers": "chest of drawers"}   # known whole
    assert EmbeddingMapper(CONTEXT459_CLASSES).map(["sheets of paper"]) == {"sheets of paper": "paper"}   # a partitive's thing

def test_definition_rule():
    "A known name with no class above is read with its gloss; the modifier's class and living things are exempt."
    voc = {r["name"]: r for r in EmbeddingMapper(VOC_CLASSES).explain(["hotel shuttle", "monorail", "goat", "hot dog stand"])}
    assert {n: r["class"] for n, r in voc.items()} == {"hotel shuttle": "bus", "monorail": "train", "goat": "background",
                                                      "hot dog stand": "background"}
    assert voc["hotel shuttle"]["rule"] == "definition" and "shuttle.n.02" in voc["hotel shuttle"]["evidence"]
    ade = EmbeddingMapper(ADE150_CLASSES).explain(["wastebasket", "coffee mug", "pillowcase"])
    assert [(r["class"], r["rule"]) for r in ade] == [("ashcan", "definition"), ("background", "background"), ("pillow", "name")]
    # a definition is a weak decision: a name that is nearly a class's own name still wins (a pillowcase's gloss is a blanket's)
    assert EmbeddingMapper(CITYSCAPES_CLASSES, background="background").map(["bus stop", "pedestrian path"]) == {
        "bus stop": "background", "pedestrian path": "sidewalk"}   # a bus stop's gloss is about buses: the modifier's class is skipped
    off = EmbeddingMapper(VOC_CLASSES, t_gloss=1.01).map(["hotel shuttle", "monorail"])
    assert off == {"hotel shuttle": "background", "monorail": "background"}   # the rule is what maps them

def test_riders_by_definition_participles_and_fine_class_names():
    "Cityscapes' rider is anyone a device moves; '-ed' participles link like '-ing' ones; a fine class's own name beats a broad hypernym."
    cs = {r["name"]: r for r in EmbeddingMapper(CITYSCAPES_CLASSES).explain(
        ["man in a wheelchair", "scooter driver", "woman cycling", "inline skater", "man in a car", "bus driver", "woman walking",
         "moped parked on the sidewalk"])}
    assert {n: r["class"] for n, r in cs.items()} == {"man in a wheelchair": "rider", "scooter driver": "rider", "woman cycling": "rider",
        "inline skater": "rider", "man in a car": "person", "bus driver": "person", "woman walking": "person",
        "moped parked on the sidewalk": "motorcycle"}
    assert cs["man in a wheelchair"]["rule"] == "convention" and "wheelchair" in cs["man in a wheelchair"]["evidence"]
    assert EmbeddingMapper(VOC_CLASSES).map(["man in a wheelchair", "woman cycling", "bird perched on a fence"]) == {
        "man in a wheelchair": "person", "woman cycling": "person", "bird perched on a fence": "bird"}   # VOC has no rider
    ade = {r["name"]: r for r in EmbeddingMapper(ADE847_CLASSES).explain(["tv stand", "billiards table", "glass coffee table", "birdcage", "volleyball"])}
    assert {n: r["class"] for n, r in ade.items()} == {"tv stand": "television stand", "billiards table": "pool table, billiard table, snooker table",
        "glass coffee table": "coffee table, cocktail table", "birdcage": "cage", "volleyball": "ball"}
    assert ade["billiards table"]["rule"] == "name" and ade["tv stand"]["rule"] == "synonym"   # "tv" is also "television" (round 21)
    assert EmbeddingMapper(ADE847_CLASSES).map(["tennis court", "bar stool"]) == {"tennis court": "court", "bar stool": "stool"}
    assert EmbeddingMapper(CONTEXT459_CLASSES).map(["hairbrush", "apple"]) == {"hairbrush": "brush", "apple": "fruit"}   # the margin:
    # a look-alike name (volleyball court, toilet, toothbrush, ipod) must beat the decided class's name clearly
    off = EmbeddingMapper(ADE847_CLASSES, t_name_strong=1.01, t_refine=1.01).map(["skating rink", "billiards table"])
    assert off == {"skating rink": "building, edifice", "billiards table": "table"}   # without the overrides: the broad class

def test_tails_links_pots_parts_and_subset_drops():
    """A compound's longest known tail is its head; more linking words; a hyphenated participle is a modifier; a person
    only in an uncounted sense is no rider; a plant in a pot is pottedplant; a part named with its whole is that whole;
    Context-59 drops what Context-459 files strictly below the decided class."""
    assert EmbeddingMapper(ADE847_CLASSES).map(["airport control tower", "wood burning stove"]) == {
        "airport control tower": "control tower", "wood burning stove": "stove, kitchen stove, range, kitchen range, cooking stove"}
    cs = {r["name"]: r for r in EmbeddingMapper(CITYSCAPES_CLASSES).explain(
        ["fence along the road", "bushes along the road", "bicycles locked to a rack", "horse trailer", "scooter driver",
         "car roof", "bus roof", "truck door", "window frames", "bus stop"])}
    assert {n: r["class"] for n, r in cs.items()} == {"fence along the road": "fence",
        "bushes along the road": "vegetation", "bicycles locked to a rack": "bicycle", "horse trailer": "background",
        "scooter driver": "rider", "car roof": "car", "bus roof": "bus", "truck door": "truck", "window frames": "building",
        "bus stop": "background"}
    assert cs["car roof"]["rule"] == "part" and cs["window frames"]["rule"] == "part"
    voc = {r["name"]: r for r in EmbeddingMapper(VOC_CLASSES).explain(["potted geranium", "hanging plant", "tree in a pot", "pot roast", "house"])}
    assert {n: r["class"] for n, r in voc.items()} == {"potted geranium": "pottedplant", "hanging plant": "pottedplant",
        "tree in a pot": "pottedplant", "pot roast": "background", "house": "background"}
    assert voc["potted geranium"]["rule"] == "convention"
    c59 = {r["name"]: r for r in EmbeddingMapper(CONTEXT59_CLASSES).explain(
        ["duckling", "gaming laptop", "hens", "soccer players", "rocks", "daffodils", "cupboard"])}
    assert {n: r["class"] for n, r in c59.items()} == {"duckling": "background", "gaming laptop": "background", "hens": "background",
        "soccer players": "person", "rocks": "rock", "daffodils": "flower", "cupboard": "cabinet"}
    assert "duck" in c59["duckling"]["evidence"]
    assert EmbeddingMapper(CONTEXT459_CLASSES).map(["duckling", "gaming laptop"]) == {"duckling": "duck", "gaming laptop": "laptop"}

def test_phrase_heads_family_words_agents_and_weak_subset_guesses():
    """A head noun known by its last word, no link through a noun-like '-ing' word, no fish in a leather jacket; a family
    word with one class below; riders by a counted second sense or an agent noun; Context-59's weak guesses yield to the
    full list's own class; the name rule ignores the complement's class."""
    c59 = {r["name"]: r for r in EmbeddingMapper(CONTEXT59_CLASSES).explain(
        ["brown horse in a field", "bowls", "clock on the wall", "blanket of snow", "cup"])}
    assert {n: r["class"] for n, r in c59.items()} == {"brown horse in a field": "horse", "bowls": "background",
        "clock on the wall": "background", "blanket of snow": "snow", "cup": "cup"}
    assert "bowl" in c59["bowls"]["evidence"]
    cs = {r["name"]: r for r in EmbeddingMapper(CITYSCAPES_CLASSES).explain(
        ["children crossing sign", "disabled parking sign", "biker in a helmet", "scooterist", "bike commuter", "horse trailer",
         "bench on the sidewalk", "woman riding a bicycle", "poker"])}
    assert {n: r["class"] for n, r in cs.items()} == {"children crossing sign": "traffic sign", "disabled parking sign": "traffic sign",
        "biker in a helmet": "rider", "scooterist": "rider", "bike commuter": "rider", "horse trailer": "background",
        "bench on the sidewalk": "background", "woman riding a bicycle": "rider",
        "poker": "background"}
    voc = {r["name"]: r for r in EmbeddingMapper(VOC_CLASSES).explain(["felines", "animals", "biker"])}
    assert {n: r["class"] for n, r in voc.items()} == {"felines": "cat", "animals": "background", "biker": "person"}
    assert voc["felines"]["rule"] == "hyponym"
    assert EmbeddingMapper(ADE150_CLASSES).map(["rubbish bin"]) == {"rubbish bin": "ashcan"}
    assert EmbeddingMapper(ADE847_CLASSES).map(["leather jacket"]) == {"leather jacket": "jacket"}
    assert noun_senses("sea gull")[0].name() == "gull.n.02"   # a joined form that is a living thing stays when the head is one

def test_verb_phrases_units_refinements_and_flowers():
    """Round 14: a person or animal doing something is the head ("child holding hands"), so is a complement after a
    partitive that is itself a phrase, or after a trailing adverb; a phrase's head weighs its senses ("bike leaning on a
    fence" is a bicycle); a unit's gloss names its stuff ("hay bales"); a synset two classes claim goes to the one naming
    more of its lemmas; a phrase decided by its head yields to a class below whose name it nearly is; flowering plants
    are flowers where a list has them; a guess of the full list does not make Context-59 drop a name."""
    cs = EmbeddingMapper(CITYSCAPES_CLASSES).map(["pedestrian crossing the road", "child holding hands", "footpath next to the road",
                                                  "children crossing sign", "bikes leaning on a fence"])
    assert cs == {"pedestrian crossing the road": "person", "child holding hands": "person", "footpath next to the road": "sidewalk",
                  "children crossing sign": "traffic sign", "bikes leaning on a fence": "bicycle"}
    assert EmbeddingMapper(VOC_CLASSES).map(["cat looking out the window", "bike leaning on a fence"]) == {
        "cat looking out the window": "cat", "bike leaning on a fence": "bicycle"}
    a847 = {r["name"]: r for r in EmbeddingMapper(ADE847_CLASSES).explain(
        ["stack of books on a table", "artwork on the wall", "terracotta pot", "boat pier", "pedestrian overpass", "azaleas", "spider plant"])}
    assert {n: r["class"] for n, r in a847.items()} == {"stack of books on a table": "book", "artwork on the wall": "painting, picture",
        "terracotta pot": "pot, flowerpot", "boat pier": "pier, wharf, wharfage, dock",
        "pedestrian overpass": "footbridge, overcrossing, pedestrian bridge", "azaleas": "flower", "spider plant": "plant, flora, plant life"}
    assert a847["pedestrian overpass"]["rule"] == "refine" and a847["azaleas"]["rule"] == "convention"
    c459 = {r["name"]: r for r in EmbeddingMapper(CONTEXT459_CLASSES).explain(["hay bales", "ice cubes", "hot air balloon", "pint of beer", "desk lamp"])}
    assert {n: r["class"] for n, r in c459.items() if n != "desk lamp"} == {"hay bales": "hay", "ice cubes": "ice",
                                                                            "hot air balloon": "hot-air balloon", "pint of beer": "beer"}
    assert c459["desk lamp"]["rule"] in ("name", "refine")   # a guess, here a wrong one (light bulb); Context-59 must not drop
                                                               # the lamp for it
    assert EmbeddingMapper(CONTEXT59_CLASSES).map(["desk lamp", "christmas tree", "tulip"]) == {
        "desk lamp": "light", "christmas tree": "tree", "tulip": "flower"}
    assert EmbeddingMapper(ADE150_CLASSES).map(["stormy clouds overhead", "lilies"]) == {"stormy clouds overhead": "sky", "lilies": "flower"}

def test_cityscapes_definitions_cycling_riders_and_scene_words():
    """Round 15: Cityscapes' own class definitions (curbs are sidewalk, junctions road, railings fence, scaffolding and
    dormers building, branches vegetation, headlights car; a guard rail stays void); a riding verb before a person makes a
    rider; ADE's pole is a post; a range of hills is hills, a mountain landscape the mountain."""
    cs = EmbeddingMapper(CITYSCAPES_CLASSES).map(["curb stones", "headlights", "dormer", "branches", "t-junction", "steel railing",
                                                  "guardrail", "cycling woman", "scaffolding on a building"])
    assert cs == {"curb stones": "sidewalk", "headlights": "car", "dormer": "building", "branches": "vegetation", "t-junction": "road",
                  "steel railing": "fence", "guardrail": "background", "cycling woman": "rider", "scaffolding on a building": "building"}
    assert EmbeddingMapper(VOC_CLASSES).map(["cycling woman"]) == {"cycling woman": "person"}   # VOC has no rider
    assert EmbeddingMapper(ADE150_CLASSES).map(["posts"]) == {"posts": "pole"}
    assert EmbeddingMapper(CONTEXT59_CLASSES).map(["range of hills", "mountain landscape"]) == {
        "range of hills": "mountain", "mountain landscape": "mountain"}


def test_class_senses_a_photo_shows_and_no_drug_slang():
    """Round 16: a class's anchor is the sense a photo shows where WordNet's first reading of the class name is another (snow
    the stuff, not cocaine; a dolphin the whale, not the fish; an iron the one for clothes, not a golf club), drug slang is no sense of any
    name, and Cityscapes' car covers every motor vehicle no other class takes (a cab, a windshield as a part)."""
    slang = [s.name() for w in ("snow", "scoop", "pot", "grass", "smoke", "ice", "speed") for s in noun_senses(w)
             if s.definition().startswith("street name")]
    assert slang == []
    anchors = lambda m, cs: {c: sorted(s.name() for s, k in m.anchor.items() if k == c) for c in cs}
    m = EmbeddingMapper(CONTEXT459_CLASSES)
    assert anchors(m, ("snow", "dolphin", "clippers", "coral")) == {"snow": ["snow.n.01", "snow.n.02"], "dolphin": ["dolphin.n.02"],
                                                                   "clippers": ["clipper.n.03", "clipper.n.04"], "coral": ["coral.n.02", "coral.n.04"]}
    assert anchors(EmbeddingMapper(ADE847_CLASSES), ("flag pole", "iron", "court", "chain", "sun", "smoke")) == {
        "flag pole": ["flagpole.n.02"], "iron": ["iron.n.04"], "court": ["court.n.04"], "chain": ["chain.n.03"], "sun": ["sun.n.01"],
        "smoke": ["smoke.n.01"]}
    assert m.map(["snow bank", "porpoise"]) == {"snow bank": "snow", "porpoise": "dolphin"}
    assert EmbeddingMapper(CONTEXT59_CLASSES).map(["snow on the ground"]) == {"snow on the ground": "snow"}
    cs = EmbeddingMapper(CITYSCAPES_CLASSES).map(["cab", "windshield", "delivery truck", "city bus"])
    assert cs == {"cab": "car", "windshield": "car", "delivery truck": "truck", "city bus": "bus"}


def test_actions_makers_signals_and_named_objects():
    """Round 17: a trailing action goes ("plane landing" is the plane, "traffic light turning red" the traffic light), a maker
    names its vehicle ("opel corsa" is a car, but a "mercedes bus" a bus), the visual signals WordNet files among messages
    are things ("red light", "stoplight"), a kite is the toy (its own first sense) and not the bird of prey, an animal's
    gloss genus is no dish (a carp is a fish), and Cityscapes labels what lies in the road and a building's balconies
    as the whole."""
    cs = EmbeddingMapper(CITYSCAPES_CLASSES).map(["plane landing", "bus turning", "traffic light turning red", "opel corsa",
                                                  "audi a4", "mercedes bus", "red light", "manhole cover", "speed bump", "balconies"])
    assert cs == {"plane landing": "background", "bus turning": "bus", "traffic light turning red": "traffic light",
                  "opel corsa": "car", "audi a4": "car", "mercedes bus": "bus", "red light": "traffic light",
                  "manhole cover": "road", "speed bump": "road", "balconies": "building"}
    voc = EmbeddingMapper(VOC_CLASSES).map(["plane landing", "helicopter landing", "kite", "kites flying in the sky", "silver mercedes"])
    assert voc == {"plane landing": "aeroplane", "helicopter landing": "background", "kite": "background",
                   "kites flying in the sky": "background", "silver mercedes": "car"}
    assert EmbeddingMapper(ADE150_CLASSES).map(["stoplight", "traffic light at an intersection", "ducati"]) == {
        "stoplight": "traffic light", "traffic light at an intersection": "traffic light", "ducati": "minibike"}
    assert EmbeddingMapper(CONTEXT459_CLASSES).map(["carp", "goldfish", "sun setting"]) == {"carp": "fish", "goldfish": "fish", "sun setting": "sun"}


def test_parts_named_with_their_whole_heads_toys_and_riders():
    """Round 18: a part named with its whole is the whole where the part has no class ("wing of a plane", "dog's ear",
    not "bowl of soup"), a subset list leaves a part the full list labels on its own; a head that is a class's own name
    decides; toys are no animals or vehicles; "-ing" nouns, "made", "to" and trailing adjectives do not hide the head;
    a cyclist in a longer phrase is still a rider; a marking on the road is road."""
    voc = EmbeddingMapper(VOC_CLASSES).explain(["wing of a plane", "dog's ear", "bowl of soup", "toy horse", "plush dog", "tail of a horse"])
    assert {r["name"]: (r["class"], r["rule"]) for r in voc} == {
        "wing of a plane": ("aeroplane", "part"), "dog's ear": ("dog", "part"), "bowl of soup": ("background", "background"),
        "toy horse": ("background", "background"), "plush dog": ("background", "background"), "tail of a horse": ("horse", "part")}
    assert EmbeddingMapper(CONTEXT59_CLASSES).map(["seat of a car", "handle of a door", "roses in bloom"]) == {
        "seat of a car": "car", "handle of a door": "background", "roses in bloom": "flower"}
    handle = EmbeddingMapper(CONTEXT59_CLASSES).explain(["handle of a door"])[0]   # the part row yields to Context-459's handle
    assert handle["rule"] == "background" and "a part of door" in handle["evidence"], handle
    assert EmbeddingMapper(ADE150_CLASSES).map(["door to the garden"]) == {"door to the garden": "door"}   # "to" links
    assert EmbeddingMapper(CITYSCAPES_CLASSES).map(["rear of a truck", "yellow arrow on the asphalt", "woman cycling along the river",
                                                    "man on a motorcycle in the rain", "man in a car in traffic"]) == {
        "rear of a truck": "truck", "yellow arrow on the asphalt": "road", "woman cycling along the river": "rider",
        "man on a motorcycle in the rain": "rider", "man in a car in traffic": "person"}
    assert EmbeddingMapper(ADE150_CLASSES).map(["iron railing on the terrace", "oak flooring in the kitchen", "bench made of stone",
                                                "door painted bright red", "curtains hanging at the window", "plush armchair"]) == {
        "iron railing on the terrace": "railing", "oak flooring in the kitchen": "floor", "bench made of stone": "bench",
        "door painted bright red": "door", "curtains hanging at the window": "curtain", "plush armchair": "armchair"}
    assert EmbeddingMapper(ADE847_CLASSES).map(["mouse beside a laptop", "white grand piano", "stuffed rabbit"]) == {
        "mouse beside a laptop": "mouse, computer mouse", "white grand piano": "grand piano, grand", "stuffed rabbit": "plaything, toy"}


def test_roads_counted_senses_furniture_parts_and_pavements():
    """Round 19: a head on a road or parked reads as a vehicle ("coach driving on the highway" is a bus, a "coach in a
    tracksuit" stays a person); a person sense costs nothing only when the sense index counts it above the thing senses
    ("tiger in a cage" is the cat, "adult" a person); a plural is no collective ("blinds on the window"); a furniture part is the furniture
    ("desk drawer") or the list's own class for the part; "X of Y" tries the whole before guesses ("wheels of a bus",
    and Cityscapes' "handle of a door" is no bicycle); Cityscapes' pavement, verges and tarmac; ADE-150's mud is earth."""
    assert EmbeddingMapper(VOC_CLASSES).map(["coach driving on the highway", "coaches parked in a row", "coach in a tracksuit",
                                             "tiger in a cage", "adult"]) == {
        "coach driving on the highway": "bus", "coaches parked in a row": "bus", "coach in a tracksuit": "person",
        "tiger in a cage": "background", "adult": "person"}
    assert EmbeddingMapper(CONTEXT459_CLASSES).map(["blinds on the window", "dresser", "kitchen cupboard doors", "sun low in the sky"]) == {
        "blinds on the window": "window blinds", "dresser": "cabinet", "kitchen cupboard doors": "cabinet door", "sun low in the sky": "sun"}
    assert EmbeddingMapper(ADE150_CLASSES).map(["wardrobe door", "desk drawer", "patch of mud"]) == {
        "wardrobe door": "wardrobe", "desk drawer": "desk", "patch of mud": "earth"}
    cs = {r["name"]: r for r in EmbeddingMapper(CITYSCAPES_CLASSES).explain(
        ["paving stones by the road", "grassy verge", "tarmac", "pavement", "arrow marking on the asphalt", "wheels of a bus",
         "handle of a door", "coaches parked in a row"])}
    assert {n: r["class"] for n, r in cs.items()} == {
        "paving stones by the road": "sidewalk", "grassy verge": "terrain", "tarmac": "road", "pavement": "sidewalk",
        "arrow marking on the asphalt": "road", "wheels of a bus": "bus", "handle of a door": "background", "coaches parked in a row": "bus"}
    assert cs["arrow marking on the asphalt"]["rule"] == "part" and "a marking on the asphalt" in cs["arrow marking on the asphalt"]["evidence"]


def test_heads_conjunctions_acronyms_synonyms_and_dining_tables():
    """Round 20: an adjective after its noun ("puppy asleep on a rug"); a vehicle or a plural person before an "-ing" verb
    ("steam locomotive pulling carriages", "boys playing football"); "A and B" is A ("guitar and amplifier", not "brown and
    white dog"); an acronym read last ("rams" are sheep); a class named by a synonym of a close relative ("leather
    handbag"); toys before a class's own name ("plush animal"); potting words in the head only ("hedge in front of a
    house"); edible fruit (Context-59 leaves bananas to its 459 list); a dish's genus is no animal (burgers, smoked salmon); VOC desks; rail track's other senses; Cityscapes'
    bus lanes, scooter makes and no Pole in a "grey lamp pole"; adjectives joined by "and" after a participle."""
    assert EmbeddingMapper(VOC_CLASSES).map(["puppy asleep on a rug", "steam locomotive pulling carriages", "boys playing football in a park",
                                             "cow and calf", "brown and white dog", "rams", "office desk", "vespas", "elderly couple"]) == {
        "puppy asleep on a rug": "dog", "steam locomotive pulling carriages": "train", "boys playing football in a park": "person",
        "cow and calf": "cow", "brown and white dog": "dog", "rams": "sheep", "office desk": "background", "vespas": "motorbike",
        "elderly couple": "person"}
    assert EmbeddingMapper(CONTEXT59_CLASSES).map(["bananas on a plate", "chandeliers", "cheeseburger", "burgers on a grill"]) == {
        "bananas on a plate": "background", "chandeliers": "light", "cheeseburger": "food", "burgers on a grill": "food"}
    assert EmbeddingMapper(CONTEXT459_CLASSES).map(["guitar and amplifier", "hedge in front of a house", "light bulb hanging from a wire",
                                                    "bleachers", "smoked salmon"]) == {
        "guitar and amplifier": "guitar", "hedge in front of a house": "plant", "light bulb hanging from a wire": "light bulb",
        "bleachers": "grandstand", "smoked salmon": "food"}
    ade = {r["name"]: r for r in EmbeddingMapper(ADE150_CLASSES).explain(["plush animal", "leather handbag", "railway line", "hills beyond the lake"])}
    assert {n: r["class"] for n, r in ade.items()} == {
        "plush animal": "plaything", "leather handbag": "bag", "railway line": "background", "hills beyond the lake": "hill"}
    assert "bag.n.04, also called bag" in ade["leather handbag"]["evidence"]
    assert EmbeddingMapper(ADE847_CLASSES).map(["tractor pulling a plough"]) == {"tractor pulling a plough": "tractor"}
    assert EmbeddingMapper(CITYSCAPES_CLASSES).map(["curb painted yellow and black", "bus lanes", "tram rails in the street",
                                                    "grey lamp pole", "lambretta"]) == {
        "curb painted yellow and black": "sidewalk", "bus lanes": "road", "tram rails in the street": "background",
        "grey lamp pole": "pole", "lambretta": "motorcycle"}


def test_parts_class_names_breeds_and_railway_cars():
    """Round 21: a part WordNet gives the modifier's thing is that thing ("bicycle handlebars", "child's hand"; not "cat
    bed"); a modifier that names a class below the head's sense is that class ("stone bench seat"); a class named with
    another word for the modifier ("lift doors opening"); breeds WordNet lacks ("westie", "golden lab"); printers and
    manhole covers as datasets mean them; VOC's railway cars and display screens."""
    voc = {r["name"]: r for r in EmbeddingMapper(VOC_CLASSES).explain(
        ["bicycle handlebars", "child's hand", "cat bed", "golden lab", "sheltie", "tank car", "computer display screen"])}
    assert {n: r["class"] for n, r in voc.items()} == {
        "bicycle handlebars": "bicycle", "child's hand": "person", "cat bed": "background", "golden lab": "dog", "sheltie": "dog",
        "tank car": "train", "computer display screen": "tvmonitor"}
    assert voc["bicycle handlebars"]["rule"] == voc["child's hand"]["rule"] == "part"
    assert "a breed of dog.n.01" in voc["golden lab"]["evidence"]
    assert EmbeddingMapper(CONTEXT459_CLASSES).map(["westie in a garden", "frenchie"]) == {"westie in a garden": "dog", "frenchie": "dog"}
    ade = {r["name"]: r for r in EmbeddingMapper(ADE150_CLASSES).explain(["stone bench seat", "light fixture on a wall"])}
    assert {n: r["class"] for n, r in ade.items()} == {"stone bench seat": "bench", "light fixture on a wall": "light"}
    assert ade["stone bench seat"]["rule"] == "hyponym"
    assert EmbeddingMapper(ADE847_CLASSES).map(["colour laser printer", "lift doors opening", "old red phone box", "square manhole cover"]) == {
        "colour laser printer": "printer", "lift doors opening": "elevator door",
        "old red phone box": "telephone booth, phone booth, call box, telephone box, telephone kiosk", "square manhole cover": "manhole"}


def test_actions_after_names_synonym_heads_waves_and_bulbs():
    """Round 22: an "-ing" word after a two-word name is an action ("lone light bulb hanging"), not after a thing word
    ("bus station building"); a head that is a synonym of its class stays against a nearer-named class ("curving oak
    staircase"); waves are water or sea; a railway line is Context's track; a bulb is ADE-150's light."""
    assert EmbeddingMapper(CONTEXT59_CLASSES).map(["lone light bulb hanging", "railway line in the snow", "waves against a harbour wall"]) == {
        "lone light bulb hanging": "background", "railway line in the snow": "track", "waves against a harbour wall": "water"}
    ade = {r["name"]: r for r in EmbeddingMapper(ADE150_CLASSES).explain(["curving oak staircase", "bare bulb in a cellar", "big ocean waves"])}
    assert {n: r["class"] for n, r in ade.items()} == {"curving oak staircase": "stairway", "bare bulb in a cellar": "light", "big ocean waves": "sea"}
    assert ade["curving oak staircase"]["rule"] == "hypernym"   # neither the name nor the refine stage moved it
    assert EmbeddingMapper(ADE847_CLASSES).map(["bus station building"]) == {"bus station building": "building, edifice"}
    from avss.lave import _drop_action
    assert _drop_action(["light", "bulb", "hanging"]) == (["light", "bulb"], ["hanging"])
    assert _drop_action(["train", "station", "building"]) == (["train", "station", "building"], [])


def test_people_colours_computers_signals_and_ade_conventions():
    """Round 23: a body part is its person ("hand gripping a rail"), not a tunnel's mouth; "men" are people; a coach is a bus;
    a colour after a participle is a state ("kitchen wall painted magnolia", "fence painted light blue"); a computer's
    tower is the computer; Cityscapes' signals are traffic lights; ADE's office chairs, fields of crops, pictures and
    windows; snow-covered ground is snow; Context-459's jugs, sockets and steps."""
    from avss.lave import _drop_action, _hue
    assert EmbeddingMapper(VOC_CLASSES).map(["two men chatting", "hand gripping a rail", "two luxury coaches"]) == {
        "two men chatting": "person", "hand gripping a rail": "person", "two luxury coaches": "bus"}
    assert EmbeddingMapper(CONTEXT59_CLASSES).map(["kitchen wall painted magnolia", "black pc tower", "snowy meadow"]) == {
        "kitchen wall painted magnolia": "wall", "black pc tower": "computer", "snowy meadow": "snow"}
    assert _drop_action(["fence", "painted", "light", "blue"]) == (["fence"], ["painted"])
    assert _hue("beige") and _hue("sage") and not _hue("wall")
    assert EmbeddingMapper(CONTEXT459_CLASSES).map(["jug of orange juice", "socket on a kitchen wall", "steps to a cellar"]) == {
        "jug of orange juice": "pitcher", "socket on a kitchen wall": "outlet", "steps to a cellar": "stair"}
    assert EmbeddingMapper(ADE150_CLASSES).map(["office chair with armrests", "framed print of a city", "field of maize", "sash windows of a terrace"]) == {
        "office chair with armrests": "swivel chair", "framed print of a city": "painting", "field of maize": "field", "sash windows of a terrace": "windowpane"}
    assert EmbeddingMapper(ADE847_CLASSES).map(["grapevines in rows", "snow-covered garden", "wedding photograph", "bay windows of a terrace"]) == {
        "bay windows of a terrace": "windowpane, window", "grapevines in rows": "vineyard", "snow-covered garden": "snow", "wedding photograph": "painting, picture"}
    assert EmbeddingMapper(CITYSCAPES_CLASSES).map(["red signal above the road", "signal lights at a crossing", "mouth of a road tunnel in a hillside"]) == {
        "red signal above the road": "traffic light", "signal lights at a crossing": "traffic light",
        "mouth of a road tunnel in a hillside": "background"}


def test_class_senses_lexicon_and_parts_of_wholes():
    """Round 24: classes get the senses they mean (Context-459's copying machine, artillery, egg, guardrail, cash register,
    candle, plume, stone; ADE's countertop, ashcan, sconce, earth, land, trade name, path, dome, fluorescent, arcade machine,
    hammock); words WordNet lacks ("worktop", "wheelie bin", "tea light", "speed hump"); a modifier's parent names the class
    ("espresso machine"); the part or group sense of X in "X of Y"; an owned phrase ends at its verb; vans are cars."""
    from avss.lave import _belongs, _words, noun_senses, wordnet
    assert [s.name() for s in noun_senses("worktop")] == ["countertop.n.01"] and noun_senses("qwzx") == ()
    assert [s.name() for s in _belongs(noun_senses("trunk"), ["old", "oak"])] == ["trunk.n.01"]
    assert _words("cat's paw poking under a door")[:4] == ["paw", "of", "cat", "poking"]
    assert EmbeddingMapper(VOC_CLASSES).map(["cat's paw poking under a door", "two white vans"]) == {
        "cat's paw poking under a door": "cat", "two white vans": "car"}
    assert EmbeddingMapper(CONTEXT59_CLASSES).map(["trunk of a birch", "cupcakes on a tray", "two white vans"]) == {
        "trunk of a birch": "tree", "cupcakes on a tray": "background", "two white vans": "car"}
    names = {"photocopier by a window": "copying machine", "rusty old cannon": "artillery", "fried eggs with bacon": "egg",
             "metal crash barrier by a bend": "guardrail", "shop till": "cash register", "tea lights in jars": "candle",
             "espresso machine with two cups": "coffee machine", "cobblestones in a square": "stone", "peacock feather": "plume",
             "pod of orcas": "whale"}
    assert EmbeddingMapper(CONTEXT459_CLASSES).map(list(names)) == names
    names = {"kitchen worktops": "countertop", "black wheelie bin": "ashcan", "wall light by a door": "sconce", "muddy soil": "earth",
             "logo on a van": "trade name", "wasteland by a railway": "land", "hiking trail in hills": "path"}
    assert EmbeddingMapper(ADE150_CLASSES).map(list(names)) == names
    names = {"cupola on a roof": "dome", "tube lights in a corridor": "fluorescent, fluorescent fixture",
             "pinball machines in a bar": "arcade machine", "hammock strung between palms": "hammock"}
    assert EmbeddingMapper(ADE847_CLASSES).map(list(names)) == names
    assert EmbeddingMapper(CITYSCAPES_CLASSES).map(["speed hump on a road"]) == {"speed hump on a road": "road"}
    from avss.lave import _drop_action                  # a participle and two adjectives keep their words (they once left none,
    assert _drop_action(["weathered", "dark", "grey"]) == (["weathered", "dark", "grey"], [])   # and the mapper failed)
    assert EmbeddingMapper(ADE150_CLASSES).map(["stained dark brown"]) == {"stained dark brown": "background"}

def test_round25_owners_twins_and_words_wordnet_lacks():
    """Round 25: an owner inside a postmodifier owns only what follows it; "X in/of Y" is the class "Y X"; a longer class before
    a head no class names, an open compound ("wine glass"); ADE-847's plural and spacing twins yield to the fuller class; words
    WordNet lacks or means otherwise ("trainers", "till", "hydrant", "big wheel", "median"); partitive coils, loops, strings and
    plumes; marks on a road; traffic and passengers make a coach the vehicle; a gathering of people is people; another sport's
    court is no volleyball court; a shape or tile of a thing is the thing; stone walls are walls; bonsai are potted."""
    from avss.lave import _words, _twins, noun_senses
    assert _words("bunk beds in a children's room") == ["bunk", "beds", "in", "room", "of", "a", "children"]
    assert _words("cat's paw on a rug") == ["paw", "of", "cat", "on", "a", "rug"]     # an owner up front keeps its reading
    tw = _twins(tuple(ADE847_CLASSES))
    assert tw["spotlights"] == "spotlight, spot" and tw["post box"] == "postbox, mailbox, letter box"
    assert "wheels" not in tw and "stands" not in tw and "fish tank" not in tw   # a singular class beside it; two fuller classes; a name itself
    assert _twins(tuple(ADE150_CLASSES)) == {}
    assert [s.name() for s in noun_senses("trainers")] == ["gym_shoe.n.01"] and noun_senses("trainer")[0].lexname() == "noun.person"
    names = {"audience watching a show": "person", "yellow cab in traffic": "car", "goods wagons in a yard": "train",
             "sports bike on a track": "motorbike", "tiled hallway floor": "background", "back wheel of a parked car": "car",
             "bonsai on a shelf": "pottedplant"}
    assert EmbeddingMapper(VOC_CLASSES).map(list(names)) == names
    names = {"bunk bed in a kid's room": "bed", "floor tiles in a hall": "floor", "low stone wall by a lane": "wall"}
    assert EmbeddingMapper(CONTEXT59_CLASSES).map(list(names)) == names
    names = {"lens of a dslr camera": "camera lens", "wine glasses on a tray": "wineglass", "trainers by the door": "shoe", "clean wine glass": "wineglass",
             "dishwasher door": "dishwasher"}
    assert EmbeddingMapper(CONTEXT459_CLASSES).map(list(names)) == names
    names = {"basin in a cloakroom": "sink", "tall office towers by a river": "skyscraper", "roller shade in a window": "blind",
             "island in a kitchen": "kitchen island", "brand name on a lorry": "trade name"}
    assert EmbeddingMapper(ADE150_CLASSES).map(list(names)) == names
    names = {"grass median with trees": "central reservation", "inflatable castle at a fete": "inflatable bounce game",
             "goalpost by a pitch": "goal", "headstones by a church": "gravestone, headstone, tombstone", "tennis court at a club": "court",
             "volleyball court on a beach": "volleyball court", "coil of rope by a boat": "rope", "hard tennis court": "court",
             "bowling alley lane": "bowling alley"}
    assert EmbeddingMapper(ADE847_CLASSES).map(list(names)) == names
    names = {"woman on a moped waiting at the lights": "rider", "skid marks on the road": "road", "coach for pupils": "bus",
             "coach for the team": "person", "footway by a shop": "sidewalk", "block of flats by a park": "building"}
    assert EmbeddingMapper(CITYSCAPES_CLASSES).map(list(names)) == names
