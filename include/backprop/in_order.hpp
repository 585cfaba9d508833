// Text made in parallel and written in order.
#pragma once

#include <cstddef>
#include <functional>
#include <span>

#include "backprop/text_buffer.hpp"

namespace backprop {

/// Appends the text of items [begin, end) to `out`. Called from two
/// threads at once, on different items.
using RenderItems =
    std::function<void(size_t begin, size_t end, TextBuffer& out)>;

/// Takes the text of the next chunk, in order.
using EmitText = std::function<void(size_t chunk, const TextBuffer& text)>;

/// Renders items in chunks, chunk k being the items [bounds[k],
/// bounds[k + 1]), this thread taking the even chunks and a second thread
/// the odd ones, and passes each chunk's text to `emit` on this thread, in
/// order. A trace's steps are independent of each other, and on a machine
/// with two cores this nearly halves the time to write them, when the
/// chunks take about as long each. Without a second core, with few chunks,
/// or if no thread can be made, this thread renders them all. An exception
/// from either thread reaches the caller, once the other has stopped.
void render_in_order(std::span<const size_t> bounds, const RenderItems& render,
                     const EmitText& emit);

/// Runs `first` on this thread and `second` on another, on a machine of
/// two cores or more and if a thread can be made (else one after the
/// other here), and returns when both have; an exception from either
/// reaches the caller.
void in_parallel(const std::function<void()>& first,
                 const std::function<void()>& second);

}  // namespace backprop
