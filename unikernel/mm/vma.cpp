#include "mm/vma.hpp"

namespace uk::mm {

size_t VmaSet::lower_bound(uint64_t addr) const {
    size_t lo = 0, hi = count_;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (vmas_[mid].end <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

const Vma* VmaSet::find(uint64_t addr) const {
    size_t i = lower_bound(addr);
    if (i < count_ && vmas_[i].start <= addr) return &vmas_[i];
    return nullptr;
}

bool VmaSet::overlaps(uint64_t start, uint64_t end) const {
    size_t i = lower_bound(start);
    return i < count_ && vmas_[i].start < end;
}

Denial VmaSet::first_denied(uint64_t start, uint64_t end, uint32_t need, uint64_t* at) const {
    uint64_t a = start;
    for (size_t i = lower_bound(start); a < end; i++) {
        if (i >= count_ || vmas_[i].start > a) {
            *at = a;
            return Denial::gap;
        }
        if ((vmas_[i].prot & need) != need) {
            *at = a;
            return Denial::protection;
        }
        a = vmas_[i].end;
    }
    *at = end;
    return Denial::none;
}

bool VmaSet::covers(uint64_t start, uint64_t end, uint32_t need) const {
    uint64_t at;
    return first_denied(start, end, need, &at) == Denial::none;
}

bool VmaSet::allows(uint64_t start, uint64_t end, uint32_t prot) const {
    uint64_t at = start;
    for (size_t i = lower_bound(start); at < end; i++) {
        if (i >= count_ || vmas_[i].start > at || (vmas_[i].max_prot & prot) != prot) return false;
        at = vmas_[i].end;
    }
    return true;
}

bool VmaSet::insert_at(size_t i, const Vma& vma) {
    if (count_ == kMaxVmas) return false;
    for (size_t j = count_; j > i; j--) vmas_[j] = vmas_[j - 1];
    vmas_[i] = vma;
    count_++;
    return true;
}

void VmaSet::erase_at(size_t i) {
    for (size_t j = i; j + 1 < count_; j++) vmas_[j] = vmas_[j + 1];
    count_--;
}

void VmaSet::merge_all() {
    for (size_t j = 0; j + 1 < count_;) {
        if (vmas_[j].end == vmas_[j + 1].start && vmas_[j].prot == vmas_[j + 1].prot &&
            vmas_[j].max_prot == vmas_[j + 1].max_prot) {
            vmas_[j].end = vmas_[j + 1].end;
            erase_at(j + 1);
        } else {
            j++;
        }
    }
}

void VmaSet::merge_around(size_t i) {
    auto same = [](const Vma& a, const Vma& b) {
        return a.end == b.start && a.prot == b.prot && a.max_prot == b.max_prot;
    };
    if (i + 1 < count_ && same(vmas_[i], vmas_[i + 1])) {
        vmas_[i].end = vmas_[i + 1].end;
        erase_at(i + 1);
    }
    if (i > 0 && same(vmas_[i - 1], vmas_[i])) {
        vmas_[i - 1].end = vmas_[i].end;
        erase_at(i);
    }
}

bool VmaSet::insert(const Vma& vma) {
    if (vma.start >= vma.end || overlaps(vma.start, vma.end)) return false;
    size_t i = lower_bound(vma.start);
    if (!insert_at(i, vma)) return false;
    merge_around(i);
    return true;
}

// Removing or re-protecting the middle of one VMA splits it in three (two new slots); cutting
// across a boundary needs at most one per end.
size_t VmaSet::splits_needed(uint64_t start, uint64_t end) const {
    size_t i = lower_bound(start);
    if (i >= count_ || vmas_[i].start >= end) return 0;
    size_t n = 0;
    if (vmas_[i].start < start) n++;
    size_t last = lower_bound(end - 1);
    if (last < count_ && vmas_[last].start < end && vmas_[last].end > end) n++;
    return n;
}

bool VmaSet::remove(uint64_t start, uint64_t end) {
    if (start >= end) return true;
    size_t i = lower_bound(start);
    if (i < count_ && vmas_[i].start < start && vmas_[i].end > end) {
        // Punching a hole in one VMA: one extra slot.
        if (count_ == kMaxVmas) return false;
        Vma tail = vmas_[i];
        tail.start = end;
        vmas_[i].end = start;
        insert_at(i + 1, tail);
        return true;
    }
    while (i < count_ && vmas_[i].start < end) {
        Vma& v = vmas_[i];
        if (v.start < start) {
            v.end = start;  // keep the head
            i++;
        } else if (v.end > end) {
            v.start = end;  // keep the tail
            break;
        } else {
            erase_at(i);
        }
    }
    return true;
}

bool VmaSet::protect(uint64_t start, uint64_t end, uint32_t prot) {
    if (start >= end) return true;
    if (count_ + splits_needed(start, end) > kMaxVmas) return false;
    size_t i = lower_bound(start);
    if (i < count_ && vmas_[i].start < start) {
        Vma tail = vmas_[i];
        tail.start = start;
        vmas_[i].end = start;
        insert_at(i + 1, tail);
        i++;
    }
    while (i < count_ && vmas_[i].start < end) {
        if (vmas_[i].end > end) {
            Vma tail = vmas_[i];
            tail.start = end;
            vmas_[i].end = end;
            insert_at(i + 1, tail);
        }
        vmas_[i].prot = prot;
        i++;
    }
    merge_all();
    return true;
}

uint64_t VmaSet::find_free_top_down(uint64_t size, uint64_t floor, uint64_t ceiling) const {
    if (size == 0 || ceiling < floor || ceiling - floor < size) return 0;
    uint64_t top = ceiling;
    size_t i = lower_bound(ceiling);  // VMAs before i end at or below the ceiling
    if (i < count_ && vmas_[i].start < top) top = vmas_[i].start;
    for (;;) {
        uint64_t lo = floor;
        if (i > 0 && vmas_[i - 1].end > lo) lo = vmas_[i - 1].end;
        if (top >= lo && top - lo >= size) return (top - size) & ~uint64_t(4095);
        if (i == 0) return 0;
        top = vmas_[--i].start;
        if (top <= floor) return 0;
    }
}

}  // namespace uk::mm
