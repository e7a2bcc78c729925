# usage: cpu.sh N dir args... → min and median user+sys CPU seconds and wall of N runs
n=$1; dir=$2; shift 2
for i in $(seq $n); do /usr/bin/time -f "%U %S %e" node $dir/bin/capability.js "$@" 2>&1 >/dev/null | tail -1; done | awk '{c=$1+$2; print c, $3}' | sort -n | awk '{a[NR]=$1; w[NR]=$2} END {print "cpu min", a[1], "median", a[int((NR+1)/2)], "| wall of min-cpu run", w[1]}'
