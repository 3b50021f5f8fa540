# random patients stressing the survival-time rules: unknown and invalid date parts,
# shared months/years, both sequence-number series, inconsistent patient items,
# DOLC unknown / before 1900 / in the future, DCO and autopsy-only tumours.
import random, sys
rnd = random.Random(int(sys.argv[1]))
N = int(sys.argv[2])
def pick(*pairs):
    x = rnd.random(); acc = 0
    for p, v in pairs:
        acc += p
        if x < acc: return v() if callable(v) else v
    return pairs[-1][1]() if callable(pairs[-1][1]) else pairs[-1][1]
def year(base):
    return pick((0.07, 9999), (0.02, 1899), (0.02, -1), (0.89, lambda: base + rnd.choice([-2,-1,0,0,0,0,1,1,2])))
def month():
    return pick((0.2, 99), (0.02, 13), (0.02, 0), (0.02, -1), (0.74, lambda: rnd.choice([1,2,3,3,6,6,11,12])))
def day():
    return pick((0.25, 99), (0.02, 0), (0.03, 31), (0.02, 30), (0.02, -1), (0.66, lambda: rnd.choice([1,2,5,10,14,15,15,16,20,28,29])))
print("scenario,endpoint_year,record_index,dx_year,dx_month,dx_day,dolc_year,dolc_month,dolc_day,birth_year,birth_month,birth_day,seq_num_central,vital_status,type_of_reporting_source,comment")
for s in range(1, N + 1):
    base = rnd.choice([1995, 2005, 2008, 2010, 2012, 2015, 2024])
    end = base + rnd.choice([-1, 0, 0, 1, 2, 5])
    n = rnd.choice([1, 1, 2, 2, 3, 3, 4, 5, 6])
    dolc = (pick((0.08, 9999), (0.03, 1899), (0.03, -1), (0.05, 2026), (0.81, lambda: base + rnd.choice([0,0,1,1,2,3,-1]))), month(), day())
    if rnd.random() < 0.05: dolc = (2025, rnd.choice([6, 7, 99]), rnd.choice([29, 30, 1, 99]))
    birth = (pick((0.1, 9999), (0.3, base), (0.6, base - rnd.randint(1, 80))), month(), day())
    vs = pick((0.45, 0), (0.45, 1), (0.05, 9), (0.05, -1))
    seqs = rnd.choice([[0], [1,2,3,4,5,6], [60,61,62,63,64,65], [1,2,60,61,62,3], [99,98,1,60], [-1,1,61,2,62,63]])
    for k in range(n):
        d = dolc; v = vs
        if rnd.random() < 0.03: d = (dolc[0], rnd.choice([1, 99]), dolc[2])
        if rnd.random() < 0.03: v = 1 - vs if vs in (0, 1) else 0
        seq = rnd.choice(seqs) if rnd.random() < 0.3 else seqs[k % len(seqs)]
        trs = pick((0.8, 1), (0.07, 6), (0.07, 7), (0.06, -1))
        row = [year(base), month(), day(), *d, *birth, seq, v, trs]
        print(",".join([str(s), str(end), str(k)] + ["" if x == -1 else str(x) for x in row] + ["generated"]))
